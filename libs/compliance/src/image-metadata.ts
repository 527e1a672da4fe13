import sharp from 'sharp';

/**
 * Human-readable metadata of an image (EXIF descriptive tags, Windows XP* tags, XMP text, PNG text
 * chunks), one value per line. A photo of a document or a scanned page can carry "秘密★" or "内部资料"
 * in its title or description while the pixels are never read (no OCR here).
 */
const EXIF_ASCII_TAGS = new Set([0x010d /* DocumentName */, 0x010e /* ImageDescription */, 0x013b /* Artist */, 0x8298 /* Copyright */]);
const EXIF_XP_TAGS = new Set([0x9c9b /* XPTitle */, 0x9c9c /* XPComment */, 0x9c9d /* XPAuthor */, 0x9c9e /* XPKeywords */, 0x9c9f /* XPSubject */]);
const EXIF_USER_COMMENT = 0x9286;
const EXIF_IFD_POINTER = 0x8769;
/** Bounds on what an image header may make us scan here (on the caller's thread): sizes, entries, lines. */
const MAX_EXIF_BYTES = 1024 * 1024;
const MAX_XMP_CHARS = 256 * 1024;
const MAX_IFD_ENTRIES = 1_000;
const MAX_LINES = 200;

function utf16(raw: Buffer, littleEndian: boolean): string {
  if (littleEndian) return raw.toString('utf16le');
  const swapped = Buffer.from(raw.subarray(0, raw.length - (raw.length % 2)));
  swapped.swap16();
  return swapped.toString('utf16le');
}

function exifStrings(exif: Buffer): string[] {
  // sharp returns the APP1 payload starting with "Exif\0\0".
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  if (tiff.length < 8) return [];
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const out: string[] = [];
  const seen = new Set<number>();
  const readIfd = (offset: number) => {
    if (seen.has(offset) || offset + 2 > tiff.length) return;
    seen.add(offset);
    const count = Math.min(u16(offset), MAX_IFD_ENTRIES);
    for (let i = 0; i < count && out.length < MAX_LINES; i++) {
      const e = offset + 2 + i * 12;
      if (e + 12 > tiff.length) return;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      const size = type === 2 || type === 1 || type === 7 ? n : 0;
      const at = size > 4 ? u32(e + 8) : e + 8;
      if (tag === EXIF_IFD_POINTER) readIfd(u32(e + 8));
      if (!size || at + size > tiff.length) continue;
      const raw = tiff.subarray(at, at + size);
      let s = '';
      if (EXIF_ASCII_TAGS.has(tag)) s = raw.toString('utf8');
      else if (EXIF_XP_TAGS.has(tag))
        s = utf16(raw, true); // XP* tags are always little-endian
      else if (tag === EXIF_USER_COMMENT && raw.length > 8) {
        const charset = raw.subarray(0, 8).toString('latin1');
        s = charset.startsWith('UNICODE') ? utf16(raw.subarray(8), le) : raw.subarray(8).toString('utf8');
      }
      s = s.replace(/\0+$/g, '').replace(/\0/g, '').trim();
      if (s) out.push(s);
    }
  };
  readIfd(u32(4));
  return out;
}

function xmpStrings(xmp: string): string[] {
  const values = [...xmp.matchAll(/>([^<>]+)</g)].map((m) => m[1].trim()).filter((s) => s && !/^[\s\d.:+-TZ]*$/.test(s));
  const attrs = [...xmp.matchAll(/\s(?:dc|photoshop|xmp|pdf):[A-Za-z]+="([^"]+)"/g)].map((m) => m[1].trim());
  return [...values, ...attrs].map((s) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, n) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[n as 'amp']));
}

export async function imageMetadataText(buf: Buffer): Promise<string> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(buf).metadata();
  } catch {
    return '';
  }
  const lines: string[] = [];
  if (meta.exif) lines.push(...exifStrings(meta.exif.subarray(0, MAX_EXIF_BYTES)));
  if (meta.xmp)
    lines.push(
      ...xmpStrings(
        meta.xmp
          .subarray(0, MAX_XMP_CHARS * 4)
          .toString('utf8')
          .slice(0, MAX_XMP_CHARS),
      ),
    );
  for (const c of (meta.comments ?? []).slice(0, MAX_LINES)) if (c.text?.trim()) lines.push(c.text.trim().slice(0, 10_000));
  return [...new Set(lines)].slice(0, MAX_LINES).join('\n');
}
