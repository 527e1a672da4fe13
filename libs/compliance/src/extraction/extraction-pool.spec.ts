import { buildMinimalDocx } from '../testing/minimal-docx';
import { DEFAULT_EXTRACTION_LIMITS } from './extraction-limits';
import { ExtractionPool } from './extraction-pool';

describe('extraction pool', () => {
  const pool = new ExtractionPool(DEFAULT_EXTRACTION_LIMITS, 1);
  afterAll(() => pool.close());
  const opts = { fileName: 'a.docx', mimeType: '', maxChars: 1_000 };

  it('answers a file that overruns its deadline as over-limit, replaces the thread, and goes on', async () => {
    const docx = await buildMinimalDocx(['关于做好有关工作的通知']);
    // The thread cannot even start within 1 ms, so the deadline always fires first.
    const late = await pool.run(docx, { ...opts, timeoutMs: 1 });
    expect(late).toMatchObject({ readable: false, problem: 'over-limit', detail: 'extraction took longer than 1 ms' });
    expect(pool.stats().replaced).toBe(1);
    const next = await pool.run(docx, opts);
    expect(next).toMatchObject({ kind: 'docx', readable: true });
    expect(next.text).toContain('关于做好有关工作的通知');
    expect(pool.stats()).toMatchObject({ started: 2, replaced: 1, queued: 0 });
  });

  it('keeps the caller buffer usable (the thread gets a copy) and truncates at maxChars', async () => {
    const docx = await buildMinimalDocx(['很长的正文'.repeat(1_000)]);
    const copy = Buffer.from(docx);
    const r = await pool.run(docx, opts);
    expect(docx.equals(copy)).toBe(true);
    expect(r).toMatchObject({ problem: 'too-large' });
    expect(r.text.length).toBe(1_000);
  });
});
