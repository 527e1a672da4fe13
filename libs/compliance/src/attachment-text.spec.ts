import JSZip from 'jszip';
import sharp from 'sharp';
import { attachmentCheckFields, extractAttachmentText } from './attachment-text';
import { ComplianceChecker } from './compliance-checker';
import { emptyLexicons } from './lexicons/lexicon-loader';
import { buildMinimalDocx } from './testing/minimal-docx';
import { buildMinimalPdf } from './testing/minimal-pdf';
import { validResidentId } from './testing/fixtures';

const checker = new ComplianceChecker(emptyLexicons(), { today: () => new Date('2025-06-01T00:00:00Z') });

describe('attachment text', () => {
  it('extracts the text layer of a PDF and finds the secrecy mark in it', async () => {
    const pdf = buildMinimalPdf(['秘密★1年', '关于做好2024年度考核工作的通知'], { title: '考核通知' });
    const r = await extractAttachmentText(pdf, { fileName: '考核通知.pdf' });
    expect(r).toMatchObject({ kind: 'pdf', readable: true, metadata: '考核通知' });
    expect(r.text).toContain('关于做好2024年度考核工作的通知');
    const { fields, unreadable } = await attachmentCheckFields('attachment:7', '考核通知.pdf', pdf);
    expect(unreadable).toBeNull();
    const findings = checker.check({ fields });
    expect(findings.map((f) => [f.field, f.rule, f.excerpt])).toEqual([['attachment:7#text', 'secrecy-mark', '秘密★1年']]);
  });

  it('reads DOCX body, header and properties', async () => {
    const docx = await buildMinimalDocx(['关于做好有关工作的通知', '各乡镇人民政府：'], { header: ['机密★启用前'], title: '内部资料' });
    const r = await extractAttachmentText(docx, { fileName: 'a.docx' });
    expect(r.kind).toBe('docx');
    expect(r.text).toContain('机密★启用前');
    expect(r.text).toContain('各乡镇人民政府：');
    expect(r.metadata).toBe('内部资料');
    const { fields } = await attachmentCheckFields('att', 'a.docx', docx);
    expect(checker.check({ fields }).map((f) => [f.field, f.rule])).toEqual([
      ['att#text', 'secrecy-mark'],
      ['att#meta', 'secrecy-phrase'],
    ]);
  });

  it('finds nothing in a clean DOCX', async () => {
    const docx = await buildMinimalDocx(['关于做好政务公开工作的通知', '请各单位严格执行保密审查制度。']);
    const { fields } = await attachmentCheckFields('att', '通知.docx', docx);
    expect(checker.check({ fields })).toEqual([]);
  });

  it('reads XLSX cells (a 名单 with ID numbers)', async () => {
    const id = validResidentId('52010219850615123');
    const zip = new JSZip();
    zip.file('xl/workbook.xml', '<workbook/>');
    zip.file('xl/sharedStrings.xml', `<sst><si><t>姓名</t></si><si><t>身份证号</t></si><si><t>张三</t></si><si><t>${id}</t></si></sst>`);
    zip.file(
      'xl/worksheets/sheet1.xml',
      '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c><c r="C2"><v>13800138000</v></c></row></sheetData></worksheet>',
    );
    const xlsx = await zip.generateAsync({ type: 'nodebuffer' });
    const r = await extractAttachmentText(xlsx, { fileName: '名单.xlsx' });
    expect(r).toMatchObject({ kind: 'xlsx', readable: true });
    expect(r.text).toBe(`姓名\t身份证号\n张三\t${id}\t13800138000`);
    expect(checker.check({ fields: [{ field: 'x', text: r.text }] }).map((f) => f.rule)).toEqual(['personal-id-card', 'personal-mobile']);
  });

  it('reads GB18030 text files', async () => {
    const gbk = Buffer.from([0xc4, 0xda, 0xb2, 0xbf, 0xd7, 0xca, 0xc1, 0xcf]); // 内部资料 in GBK
    const r = await extractAttachmentText(gbk, { fileName: 'a.txt' });
    expect(r.text).toBe('内部资料');
  });

  it('reports what it cannot read as a review finding', async () => {
    const damaged = await attachmentCheckFields('att', 'x.pdf', Buffer.from('%PDF-1.4\nnot really a pdf'));
    expect(damaged.extracted).toMatchObject({ readable: false, problem: 'damaged' });
    expect(damaged.unreadable).toMatchObject({ rule: 'attachment-unreadable', severity: 'review' });
    expect(damaged.unreadable!.message).toContain('人工进行保密审查');
    const doc = await attachmentCheckFields('att', '旧格式.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(doc.extracted.problem).toBe('unsupported-format');
    expect(doc.unreadable).not.toBeNull();
    // The file name is still checked.
    expect(doc.fields).toEqual([{ field: 'att#name', text: '旧格式.doc' }]);
  });

  it('reports a PDF without a text layer (a scan) as unreadable', async () => {
    const r = await extractAttachmentText(buildMinimalPdf([]), { fileName: 'scan.pdf' });
    expect(r).toMatchObject({ kind: 'pdf', readable: false, problem: 'no-text-layer' });
    const { unreadable } = await attachmentCheckFields('att', 'scan.pdf', buildMinimalPdf([]));
    expect(unreadable!.message).toContain('扫描件');
  });

  it('reads image metadata (XMP and EXIF, UTF-8 and Windows XP tags) but not pixels', async () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">会议照片 内部资料</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const base = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .withXmp(xmp)
      .jpeg()
      .toBuffer();
    const jpg = withExifSegment(base, { imageDescription: '扫描件 秘密★1年', xpTitle: '请勿外传' });
    const { fields } = await attachmentCheckFields('img', 'photo.jpg', jpg);
    const meta = fields.find((f) => f.field === 'img#meta')!.text.split('\n');
    expect(meta).toEqual(expect.arrayContaining(['会议照片 内部资料', '扫描件 秘密★1年', '请勿外传']));
    const rules = checker.check({ fields }).map((f) => [f.rule, f.excerpt]);
    expect(rules).toEqual(
      expect.arrayContaining([
        ['secrecy-mark', '秘密★1年'],
        ['secrecy-phrase', '内部资料'],
      ]),
    );
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await extractAttachmentText(plain, { fileName: 'a.png' })).metadata).toBe('');
  });
});

/** A JPEG with an APP1 Exif segment holding ImageDescription (UTF-8, as Chinese software writes it) and XPTitle (UTF-16LE). */
function withExifSegment(jpeg: Buffer, tags: { imageDescription: string; xpTitle: string }): Buffer {
  const desc = Buffer.concat([Buffer.from(tags.imageDescription, 'utf8'), Buffer.from([0])]);
  const xp = Buffer.concat([Buffer.from(tags.xpTitle, 'utf16le'), Buffer.from([0, 0])]);
  const entries = 2;
  const ifdSize = 2 + entries * 12 + 4;
  const dataStart = 8 + ifdSize;
  const tiff = Buffer.alloc(dataStart + desc.length + xp.length);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(entries, 8);
  const entry = (i: number, tag: number, type: number, count: number, offset: number) => {
    const at = 10 + i * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(offset, at + 8);
  };
  entry(0, 0x010e, 2, desc.length, dataStart);
  entry(1, 0x9c9b, 1, xp.length, dataStart + desc.length);
  desc.copy(tiff, dataStart);
  xp.copy(tiff, dataStart + desc.length);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}
