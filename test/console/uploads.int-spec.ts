import { AxiosInstance } from 'axios';
import sharp from 'sharp';
import * as zlib from 'zlib';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

/**
 * POST /api/v1/uploads: what the console's editor uses for body images and attachments. The file type
 * is told from its bytes, images are checked for size and canvas (decompression bombs), files land in
 * the private store (served under /api/v1/uploads/ to signed-in users; public only once published),
 * errors have the API's shape.
 */
describe('uploads API', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;

  beforeAll(async () => {
    sys = await startTestSystem('uploads', { worker: false });
    editor = await sys.login('editor');
  });
  afterAll(async () => {
    await sys?.close();
  });

  const form = (data: Buffer, filename: string, type: string, purpose?: string) => {
    const f = new FormData();
    if (purpose) f.append('purpose', purpose);
    f.append('file', new Blob([data], { type }), filename);
    return f;
  };

  it('stores an image in the private store and serves it to its uploader (public only once published), keeping the Chinese file name', async () => {
    const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 180, g: 40, b: 30 } } })
      .png()
      .toBuffer();
    const r = await editor.post('/uploads', form(png, '供暖 现场.png', 'image/png'));
    expect(r.status).toBe(201);
    // Issue 12.2: no longer a public /site/uploads/ address; the private route (test/security/uploads-private.int-spec.ts).
    expect(r.data).toEqual({
      url: expect.stringMatching(/^\/api\/v1\/uploads\/\d{4}\/\d{2}\/[0-9a-f]{24}\.png$/),
      name: '供暖 现场.png',
      mime: 'image/png',
      size: png.length,
      kind: 'image',
      width: 320,
      height: 200,
    });
    expect((await fetch(`${sys.url}${r.data.url}`)).status).toBe(401);
    const served = await editor.get(r.data.url.replace('/api/v1', ''), { responseType: 'arraybuffer' });
    expect(served.status).toBe(200);
    expect(Buffer.from(served.data).equals(png)).toBe(true);
    const audit = await sys.ds.query(`SELECT action, details FROM audit_logs WHERE action = 'upload.create'`);
    expect(audit[0].details).toMatchObject({ name: '供暖 现场.png', mime: 'image/png' });
  });

  it('tells the type from the bytes, not from the name or the declared type', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const asPng = await editor.post('/uploads', form(jpeg, 'photo.png', 'image/png'));
    expect(asPng.status).toBe(201);
    expect(asPng.data.mime).toBe('image/jpeg');
    expect(asPng.data.url).toMatch(/\.jpg$/);

    const html = await editor.post('/uploads', form(Buffer.from('<svg onload="alert(1)"></svg>'), 'x.png', 'image/png'));
    expect(html.status).toBe(422);
    expect(html.data).toMatchObject({ statusCode: 422, code: 'UNSUPPORTED_FILE_TYPE', details: [{ field: 'file', reason: expect.any(String) }] });
    expect(html.data.message).toMatch(/不是可用的图片/);
  });

  it('accepts documents as attachments but not as images', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const att = await editor.post('/uploads', form(pdf, '实施方案.pdf', 'application/pdf', 'attachment'));
    expect(att.status).toBe(201);
    expect(att.data).toMatchObject({ name: '实施方案.pdf', mime: 'application/pdf', kind: 'document', size: pdf.length });
    expect(att.data.url).toMatch(/\.pdf$/);
    const asImage = await editor.post('/uploads', form(pdf, '实施方案.pdf', 'application/pdf', 'image'));
    expect(asImage.status).toBe(422);
    const exe = await editor.post('/uploads', form(Buffer.from('MZ\x90\x00binary'), 'tool.exe', 'application/octet-stream', 'attachment'));
    expect(exe.status).toBe(422);
    expect(exe.data.code).toBe('UNSUPPORTED_FILE_TYPE');
    const badPurpose = await editor.post('/uploads', form(pdf, 'a.pdf', 'application/pdf', 'video'));
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.data.details).toEqual([{ field: 'purpose', reason: 'must be image or attachment' }]);
  });

  it('refuses corrupt images, decompression bombs and oversized files with the field named', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png')]);
    const c = await editor.post('/uploads', form(corrupt, 'broken.png', 'image/png'));
    expect(c.status).toBe(422);
    expect(c.data).toMatchObject({ code: 'CORRUPT_IMAGE', details: [{ field: 'file' }] });

    const bomb = pngHeaderOnly(30_000, 30_000);
    const b = await editor.post('/uploads', form(bomb, 'bomb.png', 'image/png'));
    expect(b.status).toBe(422);
    expect(b.data.code).toBe('IMAGE_TOO_MANY_PIXELS');
    expect(b.data.message).toContain('30000×30000');

    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const big = Buffer.concat([small, Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await editor.post('/uploads', form(big, 'big.png', 'image/png'), { maxBodyLength: Infinity });
    expect(tooBig.status).toBe(413);
    expect(tooBig.data).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: [{ field: 'file' }] });

    const huge = await editor.post('/uploads', form(Buffer.alloc(51 * 1024 * 1024, 0x25), 'huge.pdf', 'application/pdf', 'attachment'), {
      maxBodyLength: Infinity,
    });
    expect(huge.status).toBe(413);
    expect(huge.data).toMatchObject({ code: 'FILE_TOO_LARGE', details: [{ field: 'file' }] });
  });

  it('needs a file, a signed-in user and the editor role', async () => {
    const none = await editor.post('/uploads', new FormData());
    expect(none.status).toBe(400);
    expect(none.data.details).toEqual([{ field: 'file', reason: expect.any(String) }]);
    const json = await editor.post('/uploads', { file: 'x' });
    expect(json.status).toBe(400);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect((await sys.http.post('/uploads', form(png, 'a.png', 'image/png'))).status).toBe(401);
    const stat = await sys.login('statistician');
    const r = await stat.post('/uploads', form(png, 'a.png', 'image/png'));
    expect(r.status).toBe(403);
    expect(r.data.code).toBe('FORBIDDEN_ROLE');
  });
});

/** A PNG whose header declares a huge canvas (a few bytes long): the decompression-bomb shape. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const idat = zlib.deflateSync(Buffer.alloc(width > 0 ? 1 : 0));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
