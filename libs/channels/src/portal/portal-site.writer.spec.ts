import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { PortalSiteWriter } from './portal-site.writer';
import { MemoryPortalState } from './portal-state';
import { articlePath, columnSlug } from './portal-templates';
import { TEST_SITE, testSnapshot } from './testing/portal-fixtures';

const site = TEST_SITE;
const snap = testSnapshot;

describe('PortalSiteWriter', () => {
  let dir: string;
  let state: MemoryPortalState;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-'));
    state = new MemoryPortalState();
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const pub = (w: PortalSiteWriter, s: ItemSnapshot) =>
    w.publish({
      snapshot: s,
      url: `${site.baseUrl}/${articlePath(s.itemId)}`,
      path: articlePath(s.itemId),
      publishedAt: new Date().toISOString(),
      withdrawn: false,
    });

  it('keeps every article in the lists when two writers (two processes) publish at once', async () => {
    const a = new PortalSiteWriter(dir, site, state);
    const b = new PortalSiteWriter(dir, site, state);
    await Promise.all(Array.from({ length: 20 }, (_, i) => pub(i % 2 ? a : b, snap(String(i).padStart(3, '0')))));
    const index = await fs.readFile(path.join(dir, 'index.html'), 'utf8');
    for (let i = 0; i < 20; i++) expect(index).toContain(articlePath(String(i).padStart(3, '0')));
    const col = await fs.readFile(path.join(dir, 'columns', `${columnSlug('教育')}.html`), 'utf8');
    expect(col.match(/<li>/g)).toHaveLength(20);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('links a policy and its interpretation both ways, and marks a repealed document', async () => {
    const w = new PortalSiteWriter(dir, site, state);
    await pub(w, snap('p1', { kind: 'normative', validity: '废止', repealedDate: '2026-06-01' }));
    await pub(w, snap('i1', { kind: 'interpretation', policyItemId: 'p1', title: '解读' }));
    const policy = await fs.readFile(path.join(dir, articlePath('p1')), 'utf8');
    expect(policy).toContain(`../${articlePath('i1')}`);
    expect(policy).toContain('本文件已废止');
    expect(policy).toContain('废止日期：2026-06-01');
    const interp = await fs.readFile(path.join(dir, articlePath('i1')), 'utf8');
    expect(interp).toContain(`../${articlePath('p1')}`);
  });

  it('withdrawal replaces the page and drops it from index, column, sitemap and RSS', async () => {
    const w = new PortalSiteWriter(dir, site, state);
    await pub(w, snap('a'));
    await pub(w, snap('b'));
    await w.withdraw('a', new Date('2026-02-01T00:00:00Z'));
    expect(await fs.readFile(path.join(dir, articlePath('a')), 'utf8')).toContain('该信息已撤回');
    for (const f of [
      'index.html',
      'sitemaps/1.xml',
      'rss.xml',
      'catalogue/1.html',
      `columns/${columnSlug('教育')}.html`,
      `columns/${columnSlug('教育')}/1.html`,
    ]) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      expect(text).not.toContain(articlePath('a'));
      expect(text).toContain(articlePath('b'));
    }
  });

  it('keeps no data files in the site, and a withdrawn article leaves nothing of its content behind', async () => {
    const w = new PortalSiteWriter(dir, site, state);
    await pub(w, snap('p', { title: '停车收费政策', bodyHtml: '<p>收费标准</p>', authorName: '王编辑', organisationId: 'org-internal-id' }));
    await pub(w, snap('i', { title: '停车收费解读', kind: 'interpretation', policyItemId: 'p' }));
    const all = async () => {
      const out: string[] = [];
      const walk = async (d: string) => {
        for (const e of await fs.readdir(d, { withFileTypes: true })) {
          if (e.isDirectory()) await walk(path.join(d, e.name));
          else out.push(await fs.readFile(path.join(d, e.name), 'utf8'));
        }
      };
      await walk(dir);
      return out.join('\n');
    };
    expect(await fs.stat(path.join(dir, '_data')).catch(() => null)).toBeNull();
    expect(await all()).not.toContain('王编辑');
    expect(await all()).not.toContain('org-internal-id');
    expect(JSON.stringify(state.articles.get('p'))).not.toContain('王编辑');
    await w.withdraw('p', new Date('2026-02-01T00:00:00Z'));
    expect(await all()).not.toContain('停车收费政策');
    expect(await all()).not.toContain('收费标准');
    expect(JSON.stringify(state.articles.get('p'))).not.toContain('收费标准');
  });

  it('copies the uploads an article uses and removes a copy when no published article uses it any more', async () => {
    const copied: string[] = [];
    const w = new PortalSiteWriter(dir, site, state, async (key, dest) => {
      copied.push(key);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.writeFile(dest, key);
    });
    const k1 = '2026/01/' + 'a'.repeat(24) + '.png';
    const k2 = '2026/01/' + 'b'.repeat(24) + '.png';
    await w.publish({ snapshot: snap('x'), url: 'u', path: articlePath('x'), publishedAt: '2026-01-01T00:00:00Z', withdrawn: false }, [k1, k2]);
    await w.publish({ snapshot: snap('y'), url: 'u', path: articlePath('y'), publishedAt: '2026-01-01T00:00:00Z', withdrawn: false }, [k2]);
    expect(copied).toEqual([k1, k2]);
    const there = (k: string) =>
      fs.stat(path.join(dir, 'uploads', k)).then(
        () => true,
        () => false,
      );
    // revision of x without k1: k1 goes
    await w.publish({ snapshot: snap('x', { versionNo: 2 }), url: 'u', path: articlePath('x'), publishedAt: '2026-01-02T00:00:00Z', withdrawn: false }, [k2]);
    expect(await there(k1)).toBe(false);
    await w.withdraw('x', new Date());
    expect(await there(k2)).toBe(true);
    await w.withdraw('y', new Date());
    expect(await there(k2)).toBe(false);
  });

  it('takes a legacy _data directory into the state and deletes it', async () => {
    await fs.mkdir(path.join(dir, '_data'));
    const old = { snapshot: snap('old', { authorName: '旧编辑' }), url: 'u', path: articlePath('old'), publishedAt: '2026-01-01T00:00:00Z', withdrawn: false };
    await fs.writeFile(path.join(dir, '_data', 'old.json'), JSON.stringify(old));
    const w = new PortalSiteWriter(dir, site, state);
    await pub(w, snap('new'));
    expect(await fs.stat(path.join(dir, '_data')).catch(() => null)).toBeNull();
    expect(await fs.readFile(path.join(dir, 'index.html'), 'utf8')).toContain(articlePath('old'));
    expect(JSON.stringify(state.articles.get('old'))).not.toContain('旧编辑');
  });
});
