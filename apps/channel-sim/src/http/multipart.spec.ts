import { parseMultipart } from './multipart';
import { sniffImage } from './image-type';
import { parseBody } from './sim-http';

function multipart(boundary: string, parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(head + '\r\n'), Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe('parseMultipart', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('\r\n--not-the-boundary\r\n'), Buffer.alloc(10, 0)]);

  it('returns fields and binary files byte for byte', () => {
    const body = multipart('XyZ', [
      { name: 'status', data: '县政府通知 http://127.0.0.1/a' },
      { name: 'pic', filename: '图.png', type: 'image/png', data: png },
    ]);
    const parts = parseMultipart(body, 'multipart/form-data; boundary=XyZ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ name: 'status', filename: undefined });
    expect(parts[0].data.toString('utf8')).toBe('县政府通知 http://127.0.0.1/a');
    expect(parts[1].filename).toBe('图.png');
    expect(parts[1].contentType).toBe('image/png');
    expect(parts[1].data.equals(png)).toBe(true);
  });

  it('accepts a quoted boundary and RFC 5987 file names', () => {
    const body = Buffer.from(`--a b\r\nContent-Disposition: form-data; name="media"; filename*=UTF-8''%E5%9B%BE.jpg\r\n\r\nxyz\r\n--a b--`);
    const parts = parseMultipart(body, 'multipart/form-data; boundary="a b"');
    expect(parts[0].filename).toBe('图.jpg');
    expect(parts[0].data.toString()).toBe('xyz');
  });

  it('rejects a body without its boundary', () => {
    expect(() => parseMultipart(Buffer.from('hello'), 'multipart/form-data; boundary=q')).toThrow(/boundary/);
    expect(() => parseMultipart(Buffer.from('hello'), 'multipart/form-data')).toThrow(/boundary/);
  });

  it('is used by parseBody to separate files from fields', () => {
    const body = multipart('b1', [
      { name: 'access_token', data: 'tok' },
      { name: 'media', filename: 'a.png', type: 'image/png', data: png },
    ]);
    const parsed = parseBody(body, 'multipart/form-data; boundary=b1');
    expect(parsed.fields).toEqual({ access_token: 'tok' });
    expect(sniffImage(parsed.files.media.data)).toBe('png');
  });
});

describe('parseBody', () => {
  it('reads forms, JSON with or without a content type, and reports bad JSON', () => {
    expect(parseBody(Buffer.from('status=%E4%BD%A0+%E5%A5%BD&a=1'), 'application/x-www-form-urlencoded').fields).toEqual({ status: '你 好', a: '1' });
    expect(parseBody(Buffer.from('{"media_id":"m"}'), '').json).toEqual({ media_id: 'm' });
    expect(parseBody(Buffer.from('{"media_id":'), 'application/json').error).toMatch(/invalid JSON/);
    expect(parseBody(Buffer.alloc(0), 'application/json').kind).toBe('empty');
  });
});

describe('sniffImage', () => {
  it('tells formats by magic bytes', () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(Buffer.from('GIF89a....'))).toBe('gif');
    expect(sniffImage(Buffer.from('BM....'))).toBe('bmp');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImage(Buffer.from('<svg></svg>'))).toBeUndefined();
  });
});
