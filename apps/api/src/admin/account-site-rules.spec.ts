import { originOf, settingsProblems, siteLocation } from './account-site-rules';

describe('account site rules', () => {
  it('origin: scheme, host and port; the path does not count; empty is the adapter default', () => {
    expect(originOf('http://127.0.0.1:7001/testchan')).toBe('http://127.0.0.1:7001');
    expect(originOf('http://127.0.0.1:7001/other/path')).toBe(originOf('http://127.0.0.1:7001/testchan'));
    expect(originOf('https://127.0.0.1:7001/x')).not.toBe(originOf('http://127.0.0.1:7001/x'));
    expect(originOf('http://127.0.0.1:7002/x')).not.toBe(originOf('http://127.0.0.1:7001/x'));
    expect(originOf('http://a.example/x')).toBe(originOf('http://a.example:80/y'));
    expect(originOf('')).toBe('');
  });

  it('portal settings: the directory as the portal adapter accepts it, site name and 网站标识码 typed; unchanged values pass', () => {
    expect(settingsProblems('portal', { directory: 'sfx-jyj', siteName: '示范县教育局', siteIdCode: '9999000002' })).toEqual([]);
    for (const directory of ['/etc', '../x', 'a/../b', 'articles', 5]) {
      expect(settingsProblems('portal', { directory }).map((p) => p.field)).toEqual(['settings.directory']);
    }
    expect(settingsProblems('portal', { siteIdCode: 9999000001 }).map((p) => p.field)).toEqual(['settings.siteIdCode']);
    expect(settingsProblems('portal', { siteName: '' }).map((p) => p.field)).toEqual(['settings.siteName']);
    // a value stored before the rules is not re-checked when it does not change
    expect(settingsProblems('portal', { directory: '/legacy', siteName: '新名' }, { directory: '/legacy' })).toEqual([]);
  });

  it('gazette: no directory setting, a plain folder name', () => {
    expect(settingsProblems('gazette', { directory: '/srv' }).map((p) => p.field)).toEqual(['settings.directory']);
    expect(settingsProblems('gazette', { path: '../x' }).map((p) => p.field)).toEqual(['settings.path']);
    expect(settingsProblems('gazette', { path: 'uploads' }).map((p) => p.field)).toEqual(['settings.path']);
    expect(settingsProblems('gazette', { path: 'gazette-fgj' })).toEqual([]);
    expect(settingsProblems('testchan', { directory: '/anything' })).toEqual([]);
  });

  it('site locations: the portal default follows the base URL, the gazette its path', () => {
    const base = 'http://127.0.0.1:3000/site';
    expect(siteLocation({ channelType: 'portal', baseUrl: base, settings: {}, orgCode: 'sfx' }, base)).toBe('');
    expect(siteLocation({ channelType: 'portal', baseUrl: '', settings: {}, orgCode: 'sfx' }, base)).toBe('');
    expect(siteLocation({ channelType: 'portal', baseUrl: 'https://jyj.example.gov.cn', settings: {}, orgCode: 'sfx-jyj' }, base)).toBe('sites/sfx-jyj');
    expect(siteLocation({ channelType: 'portal', baseUrl: 'https://x', settings: { directory: '' }, orgCode: 'sfx-jyj' }, base)).toBe('');
    expect(siteLocation({ channelType: 'gazette', baseUrl: '', settings: {}, orgCode: 'sfx-jyj' }, base)).toBe('gazette');
    expect(siteLocation({ channelType: 'gazette', baseUrl: '', settings: { path: 'gazette-fgj' }, orgCode: 'sfx-fgj' }, base)).toBe('gazette-fgj');
    expect(siteLocation({ channelType: 'wechat', baseUrl: '', settings: {}, orgCode: 'sfx' }, base)).toBeNull();
  });
});
