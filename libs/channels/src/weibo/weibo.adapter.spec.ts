import sharp from 'sharp';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { syntheticImages } from '@app/media/testing/synthetic-images';
import type { AdapterAccount } from '../channel-adapter';
import { WeiboAdapter } from './weibo.adapter';
import { weiboLength } from './weibo-length';

const PORTAL = 'http://127.0.0.1:4000/site/articles/i1.html';
const account: AdapterAccount = {
  id: 'a1',
  organisationId: 'o1',
  name: '示范县发布',
  baseUrl: 'http://127.0.0.1:1/weibo',
  settings: {},
  credentials: { accessToken: 't' },
};
const snap = (over: Partial<ItemSnapshot> = {}) =>
  ({
    itemId: 'i1',
    organisationId: 'o1',
    title: '关于做好冬季供暖工作的通知',
    summary: '供暖安排',
    bodyHtml: '<p>正文</p>',
    channelOverrides: {},
    attachments: [],
    ...over,
  }) as ItemSnapshot;

describe('WeiboAdapter preview and submit-time checks', () => {
  const adapter = new WeiboAdapter();

  it('previews the composed text with its count and the picture under 5 MB', async () => {
    const photo = await syntheticImages.noisyPhoto(2600, 1800, 3);
    const p = await adapter.preview(snap({ bodyHtml: `<p>正文</p><img src="data:image/jpeg;base64,${photo.toString('base64')}">` }), account, PORTAL);
    expect(p.problems).toEqual([]);
    expect(p.text).toBe(`【关于做好冬季供暖工作的通知】供暖安排 ${PORTAL}`);
    expect(p.meta).toMatchObject({ length: weiboLength(p.text!), maxLength: 140, source: 'generated', picSource: 'body' });
    const pic = Buffer.from(p.images![0].base64, 'base64');
    expect(pic.length).toBeLessThan(5_000_000);
    const meta = await sharp(pic).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(2048);
  });

  it('an override that does not fit with the URL is a submit-time problem', async () => {
    const problems = await adapter.validate(snap({ channelOverrides: { weibo: { text: '很长的微博'.repeat(30) } } }), account);
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe('channelOverrides.weibo.text');
  });

  it('a configured rip that is not an IP address is a submit-time problem; none configured is none', async () => {
    const bad = await adapter.validate(snap(), { ...account, settings: { rip: 'gov-office' } });
    expect(bad).toEqual([{ field: 'account.settings.rip', reason: expect.stringContaining('不是有效的IP地址') }]);
    expect(await adapter.validate(snap(), { ...account, settings: { rip: '211.156.0.1' } })).toEqual([]);
    expect(await adapter.validate(snap(), account)).toEqual([]);
  });

  it('#话题# in the editor text is a submit-time problem (statuses/share does not allow topics)', async () => {
    const problems = await adapter.validate(snap({ channelOverrides: { weibo: { text: '#示范县发布# 今冬供暖' } } }), account);
    expect(problems.map((p) => p.field)).toEqual(['channelOverrides.weibo.text']);
  });

  it('a picture that is not a picture is a submit-time problem', async () => {
    const problems = await adapter.validate(
      snap({ channelOverrides: { weibo: { picUrl: 'data:image/jpeg;base64,' + Buffer.from('not an image').toString('base64') } } }),
      account,
    );
    expect(problems.map((p) => p.field)).toEqual(['channelOverrides.weibo.picUrl']);
  });

  it('builds the post URL for the real platform and for other base URLs', () => {
    expect(adapter.statusUrl({ ...account, baseUrl: 'https://api.weibo.com' }, { id: '499', uid: '7' })).toBe('https://m.weibo.cn/status/499');
    expect(adapter.statusUrl(account, { id: '499', uid: '7' })).toBe('http://127.0.0.1:1/weibo/u/7/499');
  });
});
