import { buildMinimalDocx } from '../testing/minimal-docx';
import { docxBomb, manyEntriesDocx, writeZip, xlsxBomb } from '../testing/zip-bombs';
import { DEFAULT_EXTRACTION_LIMITS } from './extraction-limits';
import { ExtractionRefused, readZipTextParts } from './zip-guard';

const refusal = (buf: Buffer): ExtractionRefused => {
  try {
    readZipTextParts(buf, DEFAULT_EXTRACTION_LIMITS);
  } catch (e) {
    if (e instanceof ExtractionRefused) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('zip guard', () => {
  it('reads the XML parts of an ordinary DOCX', async () => {
    const r = readZipTextParts(await buildMinimalDocx(['通知正文'], { header: ['页眉'] }), DEFAULT_EXTRACTION_LIMITS);
    expect(r.names).toEqual(expect.arrayContaining(['word/document.xml', 'word/header1.xml']));
    expect(r.parts.get('word/document.xml')!.toString('utf8')).toContain('通知正文');
  });

  it('refuses on the declared sizes before inflating anything', () => {
    expect(refusal(docxBomb(300)).message).toMatch(/word\/document\.xml declares \d+ bytes/);
    expect(refusal(xlsxBomb(300)).message).toMatch(/xl\/sharedStrings\.xml declares/);
    expect(refusal(docxBomb(20)).message).toMatch(/compression ratio over 200/);
  });

  it('stops inflating at the cap when the headers lie', () => {
    const e = refusal(docxBomb(300, { lie: true }));
    expect(e.problem).toBe('over-limit');
    expect(e.message).toMatch(/word\/document\.xml inflates beyond \d+ bytes/);
  });

  it('refuses too many entries from the end record, and from the directory when the end record lies', () => {
    expect(refusal(manyEntriesDocx(100_000)).message).toMatch(/65535 entries \(limit 5000\)/);
    expect(refusal(manyEntriesDocx(6_000)).message).toMatch(/6\d{3} entries/);
  });

  it('reports damage and encryption as such', () => {
    expect(refusal(Buffer.from('PK\u0003\u0004 not a zip at all, just bytes', 'latin1')).problem).toBe('damaged');
    const enc = writeZip([{ name: 'word/document.xml', data: '<w:document/>' }]);
    enc.writeUInt16LE(enc.readUInt16LE(enc.length - 22 - 46 - 17 + 8) | 1, enc.length - 22 - 46 - 17 + 8); // central header flag: encrypted
    expect(refusal(enc).problem).toBe('encrypted');
  });
});
