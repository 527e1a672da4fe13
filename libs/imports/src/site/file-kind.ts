/** What a fetched file is, by its bytes (images) or its name (documents); null when it is neither. */
export function sniffImported(data: Buffer, url: string): { kind: 'image' | 'document'; mime: string; ext: string } | null {
  const b = data;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', mime: 'image/jpeg', ext: 'jpg' };
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { kind: 'image', mime: 'image/png', ext: 'png' };
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return { kind: 'image', mime: 'image/gif', ext: 'gif' };
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP')
    return { kind: 'image', mime: 'image/webp', ext: 'webp' };
  const ext = (/\.([a-z0-9]{1,5})$/i.exec(new URL(url).pathname)?.[1] ?? '').toLowerCase();
  const docs: Record<string, string> = {
    pdf: 'application/pdf',
    ofd: 'application/ofd',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xls: 'application/vnd.ms-excel',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    wps: 'application/vnd.ms-works',
    zip: 'application/zip',
    rar: 'application/vnd.rar',
    txt: 'text/plain',
  };
  if (!docs[ext] || !b.length) return null;
  if (ext === 'pdf' && b.subarray(0, 5).toString('latin1') !== '%PDF-') return null;
  return { kind: 'document', mime: docs[ext], ext };
}
