import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { AdapterAccount } from '../channel-adapter';
import { charLength, wechatFieldProblems, wechatFields } from './wechat-fields';

const account = (settings: Record<string, unknown> = {}): AdapterAccount => ({
  id: 'a',
  organisationId: 'o',
  name: 'n',
  baseUrl: '',
  settings,
  credentials: {},
});
const snap = (over: Partial<ItemSnapshot> = {}) =>
  ({ title: '关于做好冬季供暖工作的通知', summary: '供暖安排', issuingBody: '示范县人民政府办公室', channelOverrides: {}, ...over }) as ItemSnapshot;

describe('wechat fields', () => {
  it('uses the item, the account author, and the summary by default', () => {
    const f = wechatFields(snap(), account({ author: '示范县发布' }));
    expect(f).toMatchObject({ title: '关于做好冬季供暖工作的通知', author: '示范县发布', digest: '供暖安排' });
    expect(wechatFieldProblems(f)).toEqual([]);
    expect(wechatFields(snap(), account()).author).toBe('示范县人民政府办公室');
  });

  it('a title over 32 characters is a problem pointing at the override', () => {
    const title = '关于印发《示范县2026年度政府信息公开工作要点》及相关配套实施细则的通知（试行）';
    expect(charLength(title)).toBeGreaterThan(32);
    const p = wechatFieldProblems(wechatFields(snap({ title }), account()));
    expect(p).toHaveLength(1);
    expect(p[0].field).toBe('title');
    expect(p[0].reason).toMatch(/超过微信的32字上限/);
    // the editor's short title fixes it
    const fixed = wechatFields(snap({ title, channelOverrides: { wechat: { title: '2026年政务公开工作要点' } } }), account());
    expect(fixed.title).toBe('2026年政务公开工作要点');
    expect(wechatFieldProblems(fixed)).toEqual([]);
  });

  it('overrides over their limits are problems; a summary digest is shortened instead', () => {
    const f = wechatFields(snap({ channelOverrides: { wechat: { title: '题'.repeat(33), author: '作'.repeat(17), digest: '摘'.repeat(129) } } }), account());
    const fields = wechatFieldProblems(f).map((p) => p.field);
    expect(fields).toEqual(['channelOverrides.wechat.title', 'channelOverrides.wechat.author', 'channelOverrides.wechat.digest']);
    const long = wechatFields(snap({ summary: '摘'.repeat(300) }), account());
    expect(charLength(long.digest)).toBe(128);
    expect(long.digest.endsWith('…')).toBe(true);
    expect(wechatFieldProblems(long)).toEqual([]);
  });

  it('counts characters as code points (a 32-character title with an emoji-free CJK text fits exactly)', () => {
    const f = wechatFields(snap({ title: '题'.repeat(32) }), account());
    expect(wechatFieldProblems(f)).toEqual([]);
    expect(charLength('𠀀a')).toBe(2);
  });
});
