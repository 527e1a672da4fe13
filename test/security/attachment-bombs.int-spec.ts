import { AxiosInstance } from 'axios';
import { monitorEventLoopDelay } from 'perf_hooks';
import { buildMinimalDocx } from '@app/compliance/testing/minimal-docx';
import { docxBomb, manyEntriesDocx, xlsxBomb } from '@app/compliance/testing/zip-bombs';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { extractionPool } from '@app/compliance/extraction/extraction-pool';
import { ContentScanner } from '../../apps/api/src/compliance/content/content-scanner.service';

interface F {
  rule: string;
  severity: string;
  field: string;
  message: string;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/**
 * Worst event-loop stall tolerated while a bomb is parsed. Before the fix the first bomb held the
 * process for about 64 s; a shared CI box (two jest workers, busy loops, a Postgres checkpoint, a
 * major GC of the test process's own heap) stalls a healthy loop for up to several hundred ms, so the
 * bound sits far from both. The 200 ms for /health is a latency target, printed here, not asserted
 * (timing targets live in benchmarks).
 */
const LOOP_STALL_WORST_MS = 5_000;
/** /health answers that must complete while the extraction thread is parsing (a job running at both ends). */
const ANSWERS_DURING_EXTRACTION = 2;

/**
 * Issue 12 point 14: attachment text extraction is bounded (entries, per-entry and total inflated
 * size, ratio, time), runs off the API's event loop, turns a refused file into a reviewer finding
 * instead of a hang, and is cached by content digest so later saves do not pay again.
 * The bombs are built here in memory (libs/compliance/src/testing/zip-bombs.ts), never committed.
 */
describe('attachment bombs', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;

  beforeAll(async () => {
    sys = await startTestSystem('attachment-bombs', { worker: false });
    editor = await sys.login('editor');
  });
  afterAll(async () => sys?.close());

  const item = (over: Record<string, unknown> = {}) => ({
    organisationId: sys.seed.orgs['sfx'],
    title: '关于开展2026年度安全生产检查的通知',
    bodyHtml: '<p>各乡镇人民政府、县直各部门：</p><p>现将有关事项通知如下。</p>',
    kind: 'notice',
    ...over,
  });

  async function upload(name: string, buf: Buffer, mime: string) {
    const form = new FormData();
    form.append('purpose', 'attachment');
    form.append('file', new Blob([new Uint8Array(buf)], { type: mime }), name);
    const r = await editor.post('/uploads', form);
    expect(r.status).toBe(201);
    return { name: r.data.name as string, url: r.data.url as string, mime: r.data.mime as string, size: r.data.size as number };
  }

  /**
   * The promise: the API's event loop keeps answering while a bomb is checked. Proven by order, not by
   * the clock: /health requests that were sent and answered while the extraction thread was parsing
   * (a job running at both ends) — blocking code answers none of them. Requiring the same job at both
   * ends (none finished in between) is printed, not asserted: with several small bombs each job can be
   * shorter than one answer on a loaded machine (a loaded CI run saw 0 of 25). Then the event loop's
   * worst stall (the api runs in this process) is bounded generously.
   */
  async function expectResponsiveWhile(pending: Promise<unknown>, minDuring = ANSWERS_DURING_EXTRACTION): Promise<void> {
    const pool = extractionPool();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let done = false;
    void pending.finally(() => (done = true));
    const took: number[] = [];
    let during = 0;
    let sameJob = 0;
    while (!done) {
      const before = pool.stats();
      const t0 = performance.now();
      const r = await sys.http.get('/health', { timeout: 30_000 });
      took.push(performance.now() - t0);
      expect(r.status).toBe(200);
      const after = pool.stats();
      if (before.inFlight > 0 && after.inFlight > 0) {
        during++;
        if (after.finished === before.finished) sameJob++;
      }
    }
    loop.disable();
    const loopMaxMs = loop.max / 1e6;
    const sorted = [...took].sort((a, b) => a - b);
    process.stdout.write(
      `attachment bombs: ${took.length} /health answers (${during} during extraction, ${sameJob} within one file), median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, worst ${sorted[sorted.length - 1]?.toFixed(1)} ms, loop stall max ${loopMaxMs.toFixed(1)} ms\n`,
    );
    expect(during).toBeGreaterThanOrEqual(minDuring);
    expect(loopMaxMs).toBeLessThan(LOOP_STALL_WORST_MS);
  }

  const refusedFinding = (findings: F[], field: string) => findings.find((f) => f.rule === 'attachment-unreadable' && f.field === field);

  it('a DOCX inflating to 300 MB becomes a reviewer finding, and /health keeps answering while it is parsed', async () => {
    const bomb = await upload('年度报告.docx', docxBomb(300), DOCX);
    expect(bomb.size).toBeLessThan(1_500_000);
    const save = editor.post('/items', item({ attachments: [bomb] }));
    await expectResponsiveWhile(save);
    const created = await save;
    expect(created.status).toBe(201);
    const f = refusedFinding(created.data.findings, 'attachments.0#text');
    expect(f).toMatchObject({ severity: 'review' });
    expect(f!.message).toContain('附件过大或已损坏，需人工审查');
    expect(f!.message).toContain('年度报告.docx');
  });

  it('refuses an archive that lies about its sizes at the byte cap, an XLSX bomb and 100,000 entries — all as findings', async () => {
    const liar = await upload('通知.docx', docxBomb(300, { lie: true }), DOCX);
    const sheet = await upload('名单.xlsx', xlsxBomb(300), XLSX);
    const many = await upload('汇编.docx', manyEntriesDocx(100_000), DOCX);
    const save = editor.post('/items', item({ attachments: [liar, sheet, many] }));
    // These three are refused within moments of opening (the byte cap, the ratio, the entry count), so
    // a job can be shorter than one /health answer on a loaded machine (a loaded CI run saw 0 of 25):
    // the answers during extraction are printed here and asserted by the long bomb above.
    await expectResponsiveWhile(save, 0);
    const created = await save;
    expect(created.status).toBe(201);
    for (const [i, name] of ['通知.docx', '名单.xlsx', '汇编.docx'].entries()) {
      const f = refusedFinding(created.data.findings, `attachments.${i}#text`);
      expect(f).toMatchObject({ severity: 'review' });
      expect(f!.message).toContain('附件过大或已损坏，需人工审查');
      expect(f!.message).toContain(name);
    }
  });

  it('still reads ordinary attachments (through the worker thread) and checks them', async () => {
    const ok = await upload('会议通知.docx', await buildMinimalDocx(['关于召开全县安全生产工作会议的通知'], { header: ['秘密★1年'] }), DOCX);
    const created = await editor.post('/items', item({ attachments: [ok] }));
    expect(created.status).toBe(201);
    const findings = created.data.findings as F[];
    expect(findings.find((f) => f.field === 'attachments.0#text' && f.rule === 'secrecy-mark')).toMatchObject({ severity: 'block' });
    expect(refusedFinding(findings, 'attachments.0#text')).toBeUndefined();
  });

  it('does not extract the same content again on a later save, nor when the same bytes are uploaded again', async () => {
    const scanner = sys.api.get(ContentScanner, { strict: false });
    const bytes = docxBomb(300);
    const first = await upload('年度报告.docx', bytes, DOCX);
    const created = await editor.post('/items', item({ attachments: [first] }));
    expect(created.status).toBe(201);
    const before = scanner.attachmentStats();

    const saved = await editor.patch(`/items/${created.data.id}`, { title: '关于开展2026年度安全生产检查的通知（修订）' });
    expect(saved.status).toBe(200);
    expect(refusedFinding(saved.data.findings, 'attachments.0#text')).toMatchObject({ severity: 'review' });
    const again = await upload('年度报告（重传）.docx', bytes, DOCX);
    expect(again.url).not.toBe(first.url);
    const other = await editor.post('/items', item({ attachments: [again] }));
    expect(refusedFinding(other.data.findings, 'attachments.0#text')!.message).toContain('年度报告（重传）.docx');

    const after = scanner.attachmentStats();
    expect(after.extracted).toBe(before.extracted);
    expect(after.cacheHits).toBeGreaterThanOrEqual(before.cacheHits + 2);
  });
});
