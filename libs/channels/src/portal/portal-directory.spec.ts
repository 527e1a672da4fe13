import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultSiteKey, resolveSiteDirectory, validatePortalDirectorySetting } from './portal-directory';

describe('portal site directories', () => {
  it('accepts only relative paths of plain names inside PORTAL_DIR', () => {
    for (const ok of [undefined, null, '', 'jyj', 'sites/sfx-jyj', 'a_b/c-d/']) expect(validatePortalDirectorySetting(ok)).toBeNull();
    const bad: [unknown, RegExp][] = [
      ['/srv/portal', /绝对路径/],
      ['C:/portal', /绝对路径/],
      ['../county', /\.\./],
      ['a/../../x', /\.\./],
      ['./a', /\./],
      ['a\\b', /反斜杠/],
      ['a//b', /字母/],
      ['站点', /字母/],
      ['articles/x', /articles/],
      ['uploads', /uploads/],
      [42, /相对路径/],
      ['x'.repeat(201), /200/],
    ];
    for (const [v, reason] of bad) {
      const p = validatePortalDirectorySetting(v);
      expect(p).toEqual({ field: 'settings.directory', reason: expect.stringMatching(reason) });
    }
  });

  it('defaults to the URL path below PORTAL_BASE_URL, else the organisation’s own directory', () => {
    const base = 'http://127.0.0.1:3000/site';
    expect(defaultSiteKey('', base, 'sfx')).toBe('');
    expect(defaultSiteKey(`${base}/`, base, 'sfx')).toBe('');
    expect(defaultSiteKey(`${base}/jyj`, base, 'sfx-jyj')).toBe('jyj');
    expect(defaultSiteKey(`${base}/../x`, base, 'sfx-jyj')).toBe('sites/sfx-jyj');
    expect(defaultSiteKey('https://jyj.example.gov.cn', base, 'sfx-jyj')).toBe('sites/sfx-jyj');
  });

  it('refuses a directory that a symlink leads out of PORTAL_DIR', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-root-'));
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-out-'));
    try {
      await fs.symlink(outside, path.join(root, 'out'));
      await expect(resolveSiteDirectory(root, 'out')).rejects.toThrow(/符号链接/);
      await expect(resolveSiteDirectory(root, 'out/deeper/still')).rejects.toThrow(/符号链接/);
      await expect(resolveSiteDirectory(root, '../x')).rejects.toThrow();
      expect(await resolveSiteDirectory(root, 'sites/a')).toBe(path.join(root, 'sites', 'a'));
      expect(await resolveSiteDirectory(root, '')).toBe(path.resolve(root));
    } finally {
      await fs.rm(root, { recursive: true, force: true });
      await fs.rm(outside, { recursive: true, force: true });
    }
  });
});
