import { wechatAccountProblems } from './wechat-check-settings';
import { titleTooLongError, wechatFieldProblems, wechatTitleLimits, type WechatFields } from './wechat-fields';

describe('wechatAccountProblems', () => {
  const fields = (p: ReturnType<typeof wechatAccountProblems>) => p.map((x) => x.field);

  it('accepts the defaults, both token modes and a 43-character EncodingAESKey', () => {
    expect(wechatAccountProblems({})).toEqual([]);
    expect(
      wechatAccountProblems({ tokenMode: 'stable', titleMaxChars: 20, titleMaxBytes: 64 }, { encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' }),
    ).toEqual([]);
    expect(wechatAccountProblems({ tokenMode: 'token' })).toEqual([]);
  });

  it('names each bad value', () => {
    expect(fields(wechatAccountProblems({ tokenMode: 'client_credential' }))).toEqual(['settings.tokenMode']);
    expect(fields(wechatAccountProblems({ titleMaxChars: 40, titleMaxBytes: 0 }))).toEqual(['settings.titleMaxChars', 'settings.titleMaxBytes']);
    expect(fields(wechatAccountProblems({}, { encodingAesKey: 'x'.repeat(42), previousEncodingAesKey: '+'.repeat(43) }))).toEqual([
      'credentials.encodingAesKey',
      'credentials.previousEncodingAesKey',
    ]);
  });
});

describe('title limits', () => {
  const f = (title: string, settings: Record<string, unknown>, source: 'override' | 'item' = 'override'): WechatFields => ({
    title,
    author: '',
    digest: '',
    sources: { title: source, author: 'none', digest: 'none' },
    limits: wechatTitleLimits({ settings }),
  });

  it('uses titleMaxChars (never above the documented 32) and titleMaxBytes', () => {
    expect(wechatTitleLimits({ settings: {} })).toEqual({ chars: 32 });
    expect(wechatTitleLimits({ settings: { titleMaxChars: 50 } })).toEqual({ chars: 32 });
    expect(wechatFieldProblems(f('一二三四五六七八九十一二三四五六七八九十一', { titleMaxChars: 20 }))[0].reason).toMatch(/20字/);
    const bytes = wechatFieldProblems(f('一二三四五六七八九十一二三四五六七八九十一', { titleMaxBytes: 60 }));
    expect(bytes).toEqual([{ field: 'channelOverrides.wechat.title', reason: expect.stringMatching(/60字节/) }]);
    expect(wechatFieldProblems(f('一二三四五六七八九十一二三四五六七八九十', { titleMaxBytes: 60 }))).toEqual([]);
  });

  it('a 45003 tells the editor how far to shorten the WeChat title', () => {
    const e = titleTooLongError(f('关于进一步做好全县农村人居环境整治工作的实施意见通知', {}), 'title size out of limit');
    expect(e.code).toBe('WECHAT_45003');
    expect(e.message).toMatch(/^标题过长：请在"微信标题"中缩短至 21 字以内/);
    expect(e.message).toContain('channelOverrides.wechat.title');
    expect(titleTooLongError(f('短标题', { titleMaxChars: 10 })).message).toMatch(/缩短至 2 字以内/);
  });
});
