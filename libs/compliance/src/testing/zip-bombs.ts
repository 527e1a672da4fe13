import * as zlib from 'zlib';

/**
 * Hostile ZIP containers for tests, built in memory (never committed as binaries): an entry whose text
 * inflates to hundreds of MB from a few hundred KB, central directories that lie about sizes, and
 * archives with a huge number of entries. Writes the ZIP format directly: compressing hundreds of MB
 * through a general-purpose library would take longer than the test itself.
 */
export interface BombEntry {
  name: string;
  /** Small content, deflated as is. */
  data?: string | Buffer;
  /** Large content: `head`, then `chunk` repeated `times` times, then `tail`. */
  repeat?: { head: string; chunk: string; times: number; tail: string };
  /** Sizes written to the headers instead of the true ones (a lying archive). */
  declaredSize?: number;
  /** Store instead of deflate (small entries only). */
  store?: boolean;
}

const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 };
/** A final, empty fixed-Huffman block: ends a raw deflate stream made of sync-flushed pieces. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

function deflated(e: BombEntry): { compressed: Buffer; size: number; crc: number; method: number } {
  if (e.repeat) {
    const head = Buffer.from(e.repeat.head, 'utf8');
    const chunk = Buffer.from(e.repeat.chunk, 'utf8');
    const tail = Buffer.from(e.repeat.tail, 'utf8');
    // Each piece is compressed alone and sync-flushed, so the pieces concatenate into one valid stream.
    const c = zlib.deflateRawSync(chunk, SYNC);
    const parts = [zlib.deflateRawSync(head, SYNC), ...Array.from({ length: e.repeat.times }, () => c), zlib.deflateRawSync(tail, SYNC), FINAL_EMPTY_BLOCK];
    let crc = zlib.crc32(head);
    for (let i = 0; i < e.repeat.times; i++) crc = zlib.crc32(chunk, crc);
    crc = zlib.crc32(tail, crc);
    return { compressed: Buffer.concat(parts), size: head.length + chunk.length * e.repeat.times + tail.length, crc, method: 8 };
  }
  const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
  if (e.store) return { compressed: raw, size: raw.length, crc: zlib.crc32(raw), method: 0 };
  return { compressed: zlib.deflateRawSync(raw), size: raw.length, crc: zlib.crc32(raw), method: 8 };
}

export function writeZip(entries: BombEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const d = deflated(e);
    const size = e.declaredSize ?? d.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(d.method, 8);
    local.writeUInt32LE(d.crc >>> 0, 14);
    local.writeUInt32LE(d.compressed.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(d.method, 10);
    central.writeUInt32LE(d.crc >>> 0, 16);
    central.writeUInt32LE(d.compressed.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, d.compressed);
    centrals.push(central, name);
    offset += local.length + name.length + d.compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const DOCX_PARTS: BombEntry[] = [
  {
    name: '[Content_Types].xml',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
  },
  {
    name: '_rels/.rels',
    data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  },
];

const PARAGRAPH = `<w:p><w:r><w:t>关于开展全县安全生产大检查工作的通知，请各单位认真贯彻落实。</w:t></w:r></w:p>`;

function repeatedTo(mb: number, unit: string): { chunk: string; times: number } {
  const chunk = unit.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(unit)));
  return { chunk, times: Math.ceil((mb * 1024 * 1024) / Buffer.byteLength(chunk)) };
}

/** A DOCX whose word/document.xml inflates to about `mb` MB of paragraphs; `lie` declares 1 KB instead. */
export function docxBomb(mb: number, opts: { lie?: boolean } = {}): Buffer {
  const { chunk, times } = repeatedTo(mb, PARAGRAPH);
  return writeZip([
    ...DOCX_PARTS,
    {
      name: 'word/document.xml',
      repeat: {
        head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>`,
        chunk,
        times,
        tail: '</w:body></w:document>',
      },
      declaredSize: opts.lie ? 1024 : undefined,
    },
  ]);
}

/** An XLSX whose shared strings inflate to about `mb` MB (the sheet references them all). */
export function xlsxBomb(mb: number): Buffer {
  const { chunk, times } = repeatedTo(mb, '<si><t>张三 男 身份证号码 住址 示范县城关镇</t></si>');
  return writeZip([
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="名单" sheetId="1"/></sheets></workbook>`,
    },
    { name: 'xl/sharedStrings.xml', repeat: { head: '<?xml version="1.0" encoding="UTF-8"?><sst>', chunk, times, tail: '</sst>' } },
    { name: 'xl/worksheets/sheet1.xml', data: '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>' },
  ]);
}

/** A DOCX-looking archive with `n` (tiny, stored) entries besides a valid document. */
export function manyEntriesDocx(n: number): Buffer {
  const entries: BombEntry[] = [
    ...DOCX_PARTS,
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${PARAGRAPH}</w:body></w:document>`,
    },
  ];
  for (let i = 0; i < n; i++) entries.push({ name: `word/media/p${i}.xml`, data: 'x', store: true });
  return writeZip(entries);
}
