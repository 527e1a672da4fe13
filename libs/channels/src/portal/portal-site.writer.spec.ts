import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { PortalSiteWriter } from './portal-site.writer';
import { articlePath, columnSlug } from './portal-templates';

const site = { siteName: '示范县人民政府', siteDomain: 'www.sfx.gov.cn', siteIdCode: '9999000001', baseUrl: 'http://x/site' };

function snap(id: string, over: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    itemId: id, versionNo: 1, organisationId: 'o', organisationName: '示范县人民政府', organisationCode: 'sfx', title: `标题${id}`,
    bodyHtml: '<p>正文</p>', summary: '', indexNo: `sfx/2026-${id}`, docNo: null, issuingBody: '示范县人民政府', writtenDate: '2026-01-02',
    publishDate: '2026-01-03', category: '教育', disclosureAttr: '主动公开', validity: '有效', repealedDate: null, kind: 'notice',
    policyItemId: null, attachments: [], channelOverrides: {}, authorName: '', approvedAt: '2026-01-03T00:00:00Z', ...over,
  };
}

describe('PortalSiteWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const pub = (w: PortalSiteWriter, s: ItemSnapshot) => w.publish({ snapshot: s, url: `${site.baseUrl}/${articlePath(s.itemId)}`, path: articlePath(s.itemId), publishedAt: new Date().toISOString(), withdrawn: false });

  it('keeps every article in the lists when two writers (two processes) publish at once', async () => {
    const a = new PortalSiteWriter(dir, site);
    const b = new PortalSiteWriter(dir, site);
    await Promise.all(Array.from({ length: 20 }, (_, i) => pub(i % 2 ? a : b, snap(String(i).padStart(3, '0')))));
    const index = await fs.readFile(path.join(dir, 'index.html'), 'utf8');
    for (let i = 0; i < 20; i++) expect(index).toContain(articlePath(String(i).padStart(3, '0')));
    const col = await fs.readFile(path.join(dir, 'columns', `${columnSlug('教育')}.html`), 'utf8');
    expect(col.match(/<li>/g)).toHaveLength(20);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('links a policy and its interpretation both ways, and marks a repealed document', async () => {
    const w = new PortalSiteWriter(dir, site);
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
    const w = new PortalSiteWriter(dir, site);
    await pub(w, snap('a'));
    await pub(w, snap('b'));
    await w.withdraw('a', '信息有误', new Date('2026-02-01T00:00:00Z'));
    expect(await fs.readFile(path.join(dir, articlePath('a')), 'utf8')).toContain('该信息已撤回');
    for (const f of ['index.html', 'sitemap.xml', 'rss.xml', `columns/${columnSlug('教育')}.html`]) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      expect(text).not.toContain(articlePath('a'));
      expect(text).toContain(articlePath('b'));
    }
  });
});
