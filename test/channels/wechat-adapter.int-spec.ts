import sharp from 'sharp';
import { loadConfig } from '@app/common/config/app-config';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { syntheticImages } from '@app/media/testing/synthetic-images';
import { readTestState } from '@app/test/utils/test-env';
import type { AdapterAccount } from '@app/channels/channel-adapter';
import { WechatAdapter } from '@app/channels/wechat/wechat.adapter';

const PORTAL = 'http://127.0.0.1:4000/site/articles/i1.html';
const account: AdapterAccount = {
  id: 'a1',
  organisationId: 'o1',
  name: '示范县发布',
  baseUrl: 'http://127.0.0.1:1/wechat',
  settings: { author: '示范县发布' },
  credentials: { appid: 'wx1', secret: 's' },
};

function snap(over: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    itemId: 'i1',
    versionNo: 1,
    organisationId: 'o1',
    organisationName: '示范县人民政府',
    organisationCode: 'sfx',
    title: '关于做好冬季供暖工作的通知',
    bodyHtml: '<p>各乡镇人民政府：现就做好冬季供暖工作通知如下。</p>',
    summary: '供暖安排',
    indexNo: 'x',
    docNo: null,
    issuingBody: '示范县人民政府办公室',
    writtenDate: null,
    publishDate: null,
    category: '其他',
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'notice',
    policyItemId: null,
    attachments: [],
    channelOverrides: {},
    authorName: 'editor',
    approvedAt: '2026-01-01T00:00:00Z',
    ...over,
  } as ItemSnapshot;
}

const dataUrl = (buf: Buffer, mime: string) => `data:${mime};base64,${buf.toString('base64')}`;
const CROP = /^(0(\.\d{1,6})?|1)_(0(\.\d{1,6})?|1)_(0(\.\d{1,6})?|1)_(0(\.\d{1,6})?|1)$/;

describe('WechatAdapter preview and submit-time checks', () => {
  const config = loadConfig({}, {
    ENCRYPTION_KEY: 'a'.repeat(64),
    JWT_SECRET: 'x'.repeat(20),
    REDIS_URL: readTestState().redisUrl,
    QUEUE_PREFIX: 'gdt-wxunit',
  } as any);
  const adapter = new WechatAdapter(config);
  let photo: Buffer;
  beforeAll(async () => {
    photo = await syntheticImages.noisyPhoto(1600, 1200, 7);
  });
  afterAll(() => adapter.onModuleDestroy());

  it('makes the thumb from the first body image: JPG ≤ 64 KB at 2.35:1, with both crops', async () => {
    const p = await adapter.preview(snap({ bodyHtml: `<p>正文</p><p><img src="${dataUrl(photo, 'image/jpeg')}" alt="现场"></p>` }), account, PORTAL);
    expect(p.problems).toEqual([]);
    expect(p.html).toContain('<img src="data:image/jpeg;base64,');
    expect(p.meta).toMatchObject({
      title: '关于做好冬季供暖工作的通知',
      author: '示范县发布',
      digest: '供暖安排',
      coverSource: 'body',
      imageCount: 1,
      shortened: false,
      contentSourceUrl: PORTAL,
    });
    const thumb = Buffer.from(p.images![0].base64, 'base64');
    expect(thumb.length).toBeLessThanOrEqual(64_000);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width! / meta.height!).toBeCloseTo(2.35, 1);
    const crops = p.meta!.crops as { pic_crop_235_1: string; pic_crop_1_1: string };
    expect(crops.pic_crop_235_1).toMatch(CROP);
    expect(crops.pic_crop_1_1).toMatch(CROP);
    // the square crop is centred and as tall as the thumb
    const [x1, y1, x2, y2] = crops.pic_crop_1_1.split('_').map(Number);
    expect(y1).toBe(0);
    expect(y2).toBe(1);
    expect((x2 - x1) * meta.width!).toBeCloseTo(meta.height!, 0);
    expect(x1 + x2).toBeCloseTo(1, 5);
  });

  it('falls back to a title card when the item has no picture', async () => {
    const p = await adapter.preview(snap(), account, PORTAL);
    expect(p.meta!.coverSource).toBe('title-card');
    const thumb = Buffer.from(p.images![0].base64, 'base64');
    expect(thumb.length).toBeLessThanOrEqual(64_000);
    expect((await sharp(thumb).metadata()).format).toBe('jpeg');
  });

  it('prefers the editor cover, even a transparent PNG (flattened to JPG)', async () => {
    const png = await syntheticImages.alphaPng(1200, 900);
    const p = await adapter.preview(snap({ channelOverrides: { wechat: { coverUrl: dataUrl(png, 'image/png') } } }), account, PORTAL);
    expect(p.meta!.coverSource).toBe('override');
    const meta = await sharp(Buffer.from(p.images![0].base64, 'base64')).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.hasAlpha).toBe(false);
  });

  it('reports, at submit time, a title over 32 characters and a body image that is not an image', async () => {
    const notImage = dataUrl(Buffer.from('这不是图片，只是一段文字'), 'image/png');
    const problems = await adapter.validate(
      snap({ title: '关于印发《示范县2026年度政府信息公开工作要点》及相关配套实施细则的通知', bodyHtml: `<p>正文</p><p><img src="${notImage}"></p>` }),
      account,
    );
    expect(problems.map((p) => p.field)).toEqual(['title', 'bodyHtml']);
    expect(problems[1].reason).toMatch(/正文第1张图片无法用于微信：图片无法读取/);
  });

  it('reports a cover override that cannot be read', async () => {
    const problems = await adapter.validate(snap({ channelOverrides: { wechat: { coverUrl: 'file:///etc/passwd' } } }), account);
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe('channelOverrides.wechat.coverUrl');
    expect(problems[0].reason).toMatch(/http\(s\)/);
  });

  it('shortens a very long body in the preview and says so', async () => {
    const body = `<p>${'条款内容'.repeat(250)}</p>`.repeat(30);
    const p = await adapter.preview(snap({ bodyHtml: body }), account, PORTAL);
    expect(p.meta!.shortened).toBe(true);
    expect(p.meta!.contentChars as number).toBeLessThan(20_000);
    expect(p.html).toContain('阅读原文');
  });
});
