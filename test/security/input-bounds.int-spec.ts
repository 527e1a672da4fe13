import { AxiosInstance } from 'axios';
import * as zlib from 'zlib';
import { MediaService } from '@app/media/media.service';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { MAX_IMAGE_PIXELS } from '../../apps/api/src/uploads/upload-limits';

/** A PNG that is only a header (IHDR + IEND): enough for the size check, which never decodes pixels. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = zlib.deflateSync(Buffer.alloc(width + 1)); // one row; the rest would be missing, unread here
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Issue 12 point 15: channel overrides are bounded (channels, entries and size per channel), and the
 * upload's pixel limit is the media layer's, so nothing accepted at upload is refused at submit.
 */
describe('input bounds', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;

  beforeAll(async () => {
    sys = await startTestSystem('input-bounds', { worker: false });
    editor = await sys.login('editor');
  });
  afterAll(async () => sys?.close());

  const item = (over: Record<string, unknown> = {}) => ({
    organisationId: sys.seed.orgs['sfx'],
    title: '关于开展2026年度安全生产检查的通知',
    bodyHtml: '<p>现将有关事项通知如下。</p>',
    kind: 'notice',
    ...over,
  });
  const counts = async () => {
    const [{ items }] = await sys.ds.query(`SELECT count(*)::int AS items FROM items`);
    const [{ audits }] = await sys.ds.query(`SELECT count(*)::int AS audits FROM audit_logs`);
    return { items, audits };
  };

  it('refuses 20,000 override strings with a 400 naming the channel, writing nothing', async () => {
    const weibo: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) weibo[`k${i}`] = `第${i}条覆盖文字`;
    expect(JSON.stringify(weibo).length).toBeGreaterThan(300_000);
    const before = await counts();
    const r = await editor.post('/items', item({ channelOverrides: { weibo } }));
    expect(r.status).toBe(400);
    expect(r.data).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(r.data.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'channelOverrides.weibo' })]));
    expect(await counts()).toEqual(before);

    // The same on an update, and for one array of strings, too many channels, a huge string, deep nesting.
    const ok = await editor.post('/items', item());
    expect(ok.status).toBe(201);
    const patched = await editor.patch(`/items/${ok.data.id}`, { channelOverrides: { weibo } });
    expect(patched.status).toBe(400);
    expect(patched.data.details[0].field).toBe('channelOverrides.weibo');
    const cases: [unknown, string][] = [
      [{ led: { text: Array.from({ length: 20_000 }, (_, i) => `屏${i}`) } }, 'channelOverrides.led'],
      [Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`ch${i}`, { text: 'x' }])), 'channelOverrides'],
      [{ wechat: { digest: '很长'.repeat(60_000) } }, 'channelOverrides.wechat.digest'],
      [{ wechat: { a: { b: { c: { d: { e: 'deep' } } } } } }, 'channelOverrides.wechat'],
      [{ wechat: 'not an object' }, 'channelOverrides.wechat'],
    ];
    for (const [channelOverrides, field] of cases) {
      const bad = await editor.patch(`/items/${ok.data.id}`, { channelOverrides });
      expect({ field, status: bad.status }).toEqual({ field, status: 400 });
      expect(bad.data.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await editor.get(`/items/${ok.data.id}`)).data.channelOverrides).toEqual({});
  });

  it('still accepts the overrides the channels use (WeChat title/digest, Weibo text, LED schedule)', async () => {
    const channelOverrides = {
      wechat: { title: '安全生产检查', digest: '全县开展安全生产大检查', author: '县应急局' },
      weibo: { text: '【安全生产检查】全县开展安全生产大检查。' },
      led: { text: '安全生产 人人有责', weekdays: [1, 2, 3, 4, 5], hours: [{ start: '08:00', end: '18:00' }], priority: 5 },
      gazette: { section: '通知公告' },
    };
    const r = await editor.post('/items', item({ channelOverrides }));
    expect(r.status).toBe(201);
    expect(r.data.channelOverrides).toEqual(channelOverrides);
  });

  it('uses the media layer pixel limit at upload: 56 MP refused, 49 MP accepted', async () => {
    expect(MAX_IMAGE_PIXELS).toBe(MediaService.DEFAULT_MAX_INPUT_PIXELS);
    const send = (w: number, h: number) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(pngHeader(w, h))], { type: 'image/png' }), `${w}x${h}.png`);
      return editor.post('/uploads', form);
    };
    const big = await send(8000, 7000);
    expect(big.status).toBe(422);
    expect(big.data).toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS', details: [{ field: 'file' }] });
    const fits = await send(7000, 7000);
    expect(fits.status).toBe(201);
    expect(fits.data).toMatchObject({ width: 7000, height: 7000 });
  });
});
