/**
 * What an uploaded file really is, told from its first bytes (the browser's content type and the file
 * name are not trusted). Images go into articles and channel renditions; attachments are the documents
 * a 政务公开 page links to (PDF, OFD, Word/Excel/WPS, archives, plain text).
 */
export interface Sniffed {
  kind: 'image' | 'document';
  mime: string;
  ext: string;
}

const IMAGE_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

export function sniffFile(buf: Buffer, originalName: string): Sniffed | undefined {
  const head = (n: number) => buf.subarray(0, n);
  const ascii = (from: number, to: number) => buf.subarray(from, to).toString('latin1');
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return image('image/jpeg');
  if (buf.length >= 8 && head(8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return image('image/png');
  if (buf.length >= 6 && /^GIF8[79]a$/.test(ascii(0, 6))) return image('image/gif');
  if (buf.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return image('image/webp');

  const ext = extension(originalName);
  if (buf.length >= 5 && ascii(0, 5) === '%PDF-') return { kind: 'document', mime: 'application/pdf', ext: 'pdf' };
  // Zip containers: OOXML, OFD (the national fixed-layout format), WPS, plain zip. The extension picks the label.
  if (buf.length >= 4 && head(4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const zipTypes: Record<string, string> = {
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ofd: 'application/ofd',
      zip: 'application/zip',
    };
    const e = ext in zipTypes ? ext : 'zip';
    return { kind: 'document', mime: zipTypes[e], ext: e };
  }
  // OLE2 compound files: legacy Word / Excel / WPS.
  if (buf.length >= 8 && head(8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    const oleTypes: Record<string, string> = {
      doc: 'application/msword',
      xls: 'application/vnd.ms-excel',
      ppt: 'application/vnd.ms-powerpoint',
      wps: 'application/vnd.ms-works',
      et: 'application/vnd.ms-excel',
    };
    if (!(ext in oleTypes)) return undefined;
    return { kind: 'document', mime: oleTypes[ext], ext };
  }
  if (ext === 'txt' && isUtf8Text(buf)) return { kind: 'document', mime: 'text/plain; charset=utf-8', ext: 'txt' };
  return undefined;

  function image(mime: string): Sniffed {
    return { kind: 'image', mime, ext: IMAGE_EXT[mime] };
  }
}

function extension(name: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

function isUtf8Text(buf: Buffer): boolean {
  const sample = buf.subarray(0, 64 * 1024);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < buf.length ? sample.subarray(0, lastBoundary(sample)) : sample);
    return true;
  } catch {
    return false;
  }
}

/** Cuts a sample at a UTF-8 character boundary so a multibyte character split by the sample is not "invalid". */
function lastBoundary(b: Buffer): number {
  let i = b.length;
  while (i > 0 && (b[i - 1] & 0xc0) === 0x80) i--;
  return i > 0 && b[i - 1] >= 0xc0 ? i - 1 : b.length;
}
