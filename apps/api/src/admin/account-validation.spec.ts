import { GazetteAdapter } from '@app/channels/gazette/gazette.adapter';
import { PortalAdapter } from '@app/channels/portal/portal.adapter';
import { TestchanAdapter } from '@app/channels/testchan/testchan.adapter';
import { originOf } from './account-site-rules';
import { accountProblems, mergeCredentials } from './account-validation';

// The adapters' declarations and own rules need none of their services.
const portal = new PortalAdapter({} as never, {} as never, {} as never);
const gazette = new GazetteAdapter({} as never, {} as never);
const testchan = new TestchanAdapter();
const fields = (p: { field: string }[]) => p.map((x) => x.field);

describe('account validation', () => {
  it('origin: scheme, host and port; the path does not count; empty is the adapter default', () => {
    expect(originOf('http://127.0.0.1:7001/testchan')).toBe('http://127.0.0.1:7001');
    expect(originOf('http://127.0.0.1:7001/other/path')).toBe(originOf('http://127.0.0.1:7001/testchan'));
    expect(originOf('https://127.0.0.1:7001/x')).not.toBe(originOf('http://127.0.0.1:7001/x'));
    expect(originOf('http://127.0.0.1:7002/x')).not.toBe(originOf('http://127.0.0.1:7001/x'));
    expect(originOf('http://a.example/x')).toBe(originOf('http://a.example:80/y'));
    expect(originOf('')).toBe('');
  });

  it('portal settings: the directory as the portal adapter accepts it, site name and 网站标识码 typed; unchanged values pass', () => {
    const check = (settings: Record<string, unknown>, prevSettings?: Record<string, unknown>) =>
      accountProblems(portal, { channelType: 'portal', settings, prevSettings });
    expect(check({ directory: 'sfx-jyj', siteName: '示范县教育局', siteIdCode: '9999000002' })).toEqual([]);
    for (const directory of ['/etc', '../x', 'a/../b', 'articles', 5]) expect(fields(check({ directory }))).toEqual(['settings.directory']);
    expect(check({ siteIdCode: 9999000001 })).toEqual([{ field: 'settings.siteIdCode', reason: '网站标识码应为文字' }]);
    expect(check({ siteName: ' ' })).toEqual([{ field: 'settings.siteName', reason: '网站名称不能为空白' }]);
    expect(check({ siteDomain: 'a b' })).toEqual([{ field: 'settings.siteDomain', reason: '网站域名应为主机名，可带端口，如 www.example.gov.cn' }]);
    // a value stored before the rules is not judged again when it does not change
    expect(check({ directory: '/legacy', siteName: '新名' }, { directory: '/legacy' })).toEqual([]);
  });

  it('gazette: no directory setting, a plain folder name the portal does not use, sections as the schedule reads them', () => {
    const check = (settings: Record<string, unknown>) => fields(accountProblems(gazette, { channelType: 'gazette', settings }));
    expect(check({ directory: '/srv' })).toEqual(['settings.directory']);
    expect(check({ path: '../x' })).toEqual(['settings.path']);
    expect(check({ path: 'uploads' })).toEqual(['settings.path']);
    expect(check({ frequency: 'weekly', sections: [{ title: '勘误' }] })).toEqual(['settings.frequency', 'settings.sections[0].title']);
    expect(check({ path: 'gazette-fgj', frequency: 'monthly' })).toEqual([]);
    expect(fields(accountProblems(testchan, { channelType: 'testchan', settings: { directory: '/anything' } }))).toEqual([]);
  });

  it("site locations are the adapters': the portal default follows the base URL, the gazette its path", () => {
    const base = 'http://127.0.0.1:3000/site';
    expect(portal.siteClaim.location({ baseUrl: base, settings: {}, orgCode: 'sfx' }, base)).toBe('');
    expect(portal.siteClaim.location({ baseUrl: '', settings: {}, orgCode: 'sfx' }, base)).toBe('');
    expect(portal.siteClaim.location({ baseUrl: 'https://jyj.example.gov.cn', settings: {}, orgCode: 'sfx-jyj' }, base)).toBe('sites/sfx-jyj');
    expect(portal.siteClaim.location({ baseUrl: 'https://x', settings: { directory: '' }, orgCode: 'sfx-jyj' }, base)).toBe('');
    expect(gazette.siteClaim.location({ baseUrl: '', settings: {}, orgCode: 'sfx-jyj' }, base)).toBe('gazette');
    expect(gazette.siteClaim.location({ baseUrl: '', settings: { path: 'gazette-fgj' }, orgCode: 'sfx-fgj' }, base)).toBe('gazette-fgj');
    expect((testchan as { siteClaim?: unknown }).siteClaim).toBeUndefined();
  });

  it('credentials: required and typed by the schema; an update keeps what it does not name, null removes, a move replaces', () => {
    expect(accountProblems(testchan, { channelType: 'testchan', settings: {}, credentials: { token: 7 } })).toEqual([
      { field: 'credentials.token', reason: '访问令牌应为文字' },
    ]);
    expect(mergeCredentials({ appid: 'wx1', secret: 'old' }, { secret: 'new' }, false)).toEqual({ appid: 'wx1', secret: 'new' });
    expect(mergeCredentials({ appid: 'wx1', secret: 'old', callbackToken: 't' }, { callbackToken: null, secret: '' }, false)).toEqual({ appid: 'wx1' });
    expect(mergeCredentials({ appid: 'wx1', secret: 'old' }, { secret: 'new' }, true)).toEqual({ secret: 'new' });
  });
});
