import { AxiosInstance } from 'axios';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';

/**
 * Issue 12, points 1 and 8 (portal side). The portal directory is public: it holds only what the public
 * pages show (no data files with the editor's name or internal ids); on withdrawal every copy of the
 * content leaves it (page, lists, sitemap, RSS, the public copies of uploads no other published item
 * uses); and no account setting makes the portal write outside PORTAL_DIR, each organisation's site
 * living in its own place under it.
 */
describe('portal directory exposure (issue 12.1, 12.8)', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let admin: AxiosInstance;
  let portal: string;
  let outside: string;
  let n = 0;

  beforeAll(async () => {
    sys = await startTestSystem('portal-exposure');
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    admin = await sys.login('admin');
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    outside = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-outside-'));
  });
  afterAll(async () => {
    await sys?.close();
    await fs.rm(outside, { recursive: true, force: true });
  });

  async function files(root = sys.portalDir): Promise<{ rel: string; text: string; buf: Buffer }[]> {
    const out: { rel: string; text: string; buf: Buffer }[] = [];
    const walk = async (dir: string) => {
      for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) {
          const buf = await fs.readFile(full);
          out.push({ rel: path.relative(root, full), text: buf.toString('utf8'), buf });
        }
      }
    };
    await walk(root);
    return out;
  }
  const containing = async (s: string) => (await files()).filter((f) => f.text.includes(s)).map((f) => f.rel);
  const holding = async (b: Buffer) => (await files()).filter((f) => f.buf.equals(b)).map((f) => f.rel);

  const upload = async (buf: Buffer, name: string) => {
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(buf)], { type: 'image/png' }), name);
    const r = await editor.post('/uploads', f);
    expect(r.status).toBe(201);
    return r.data.url as string;
  };

  async function approveAndWait(id: string, who = editor) {
    expect((await who.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
  }
  async function publish(over: Record<string, unknown>, who = editor, org = 'sfx', accounts = [portal]): Promise<string> {
    const c = await who.post('/items', {
      organisationId: sys.seed.orgs[org],
      title: `门户测试${++n}`,
      bodyHtml: '<p>正文。</p>',
      kind: 'notice',
      category: '城乡建设',
      targetAccountIds: accounts,
      ...over,
    });
    expect(c.status).toBe(201);
    await approveAndWait(c.data.id, who);
    return c.data.id;
  }
  const deliveriesOf = async (id: string) =>
    (await editor.get(`/items/${id}/deliveries`)).data as { state: string; channelAccountId: string; lastError?: string; errorMessage?: string }[];
  const settled = (id: string) =>
    waitFor(
      async () => {
        const ds = await deliveriesOf(id);
        return ds.length && ds.every((d) => ['published', 'failed', 'withdrawn', 'cancelled'].includes(d.state)) ? ds : null;
      },
      30_000,
      'deliveries settled',
    );
  const withdraw = async (id: string, reason: string) => {
    expect((await reviewer.post(`/items/${id}/withdraw`, { reason })).status).toBe(200);
    await waitFor(async () => (await deliveriesOf(id)).every((d) => d.state === 'withdrawn'), 30_000, 'withdrawn');
  };

  it('live articles: no data files, no editor name, no internal ids beyond the page address', async () => {
    const id = await publish({ bodyHtml: '<p>供暖安排如下。</p>', channelOverrides: {} });
    await settled(id);
    const item = (await editor.get(`/items/${id}`)).data;
    const authorName: string = (await sys.ds.query(`SELECT display_name FROM users WHERE id = $1`, [item.authorId]))[0].display_name;
    expect(await fs.stat(path.join(sys.portalDir, '_data')).catch(() => null)).toBeNull();
    expect(await containing(authorName)).toEqual([]);
    expect(await containing(item.authorId)).toEqual([]);
    expect(await containing(item.organisationId)).toEqual([]);
    expect((await fetch(`${sys.url}/site/_data/${id}.json`)).status).toBe(404);
    // the page is there and says what it should
    expect(await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8')).toContain('供暖安排如下。');
  });

  it('withdrawal removes every copy of the content: page, lists, sitemap, RSS, policy links and unshared uploads', async () => {
    const own = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const shared = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#3c3' } })
      .png()
      .toBuffer();
    const ownUrl = await upload(own, 'own.png');
    const sharedUrl = await upload(shared, 'shared.png');
    const title = '关于调整城区停车收费标准的通知';
    const bodyText = '停车收费标准按附表执行并接受监督';
    const policy = await publish({ title, bodyHtml: `<p>${bodyText}</p><p><img src="${ownUrl}"></p><p><img src="${sharedUrl}"></p>`, kind: 'normative' });
    const other = await publish({ title: '另一篇用同一张图', bodyHtml: `<p><img src="${sharedUrl}"></p>` });
    await settled(policy);
    await settled(other);
    const interp = await publish({ title: '停车收费解读', kind: 'interpretation', policyItemId: policy, bodyHtml: '<p>解读正文</p>' });
    await settled(interp);
    expect(await holding(own)).toHaveLength(1);
    expect(await holding(shared)).toHaveLength(1);
    expect(await containing(title)).toEqual(
      expect.arrayContaining(['index.html', 'rss.xml', path.join('articles', `${policy}.html`), path.join('articles', `${interp}.html`)]),
    );

    const reason = '涉及未公开的内部讨论意见';
    await withdraw(policy, reason);
    expect(await containing(title)).toEqual([]);
    expect(await containing(bodyText)).toEqual([]);
    expect(await containing(reason)).toEqual([]);
    expect(await containing(`articles/${policy}.html`)).toEqual([path.join('articles', `${policy}.html`)]); // only its own notice: no list, sitemap, RSS or interpretation links it
    expect(await holding(own)).toEqual([]);
    expect(await holding(shared)).toHaveLength(1); // still used by another published item
    const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${policy}.html`), 'utf8');
    expect(page).toContain('该信息已撤回');

    await withdraw(other, '重复发布');
    expect(await holding(shared)).toEqual([]);
    expect(await containing('另一篇用同一张图')).toEqual([]);
    // the interpretation stays published; its page no longer names the withdrawn policy
    expect(await fs.readFile(path.join(sys.portalDir, 'articles', `${interp}.html`), 'utf8')).toContain('解读正文');
  });

  async function portalAccount(org: string, settings: Record<string, unknown>, baseUrl: string): Promise<string> {
    const rows = await sys.ds.query(
      `INSERT INTO channel_accounts (organisation_id, channel_type, name, base_url, settings) VALUES ($1, 'portal', $2, $3, $4) RETURNING id`,
      [sys.seed.orgs[org], `门户${++n}`, baseUrl, JSON.stringify({ siteName: '测试网站', siteDomain: 'x.gov.cn', siteIdCode: '9999000002', ...settings })],
    );
    return rows[0].id;
  }
  async function userAt(org: string, role: string): Promise<AxiosInstance> {
    const username = `pe-${role}-${++n}`;
    const r = await admin.post('/users', {
      username,
      displayName: `测试${username}`,
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs[org],
      roles: [{ organisationId: sys.seed.orgs[org], role }],
    });
    expect(r.status).toBe(201);
    return sys.login(username);
  }

  it('refuses a site directory outside PORTAL_DIR (absolute, .., a symlink out) without writing anything', async () => {
    await fs.symlink(outside, path.join(sys.portalDir, 'escape-link'));
    const before = (await files()).map((f) => `${f.rel}:${f.text.length}`).sort();
    for (const directory of [outside, `../${path.basename(outside)}`, 'a/../../x', 'escape-link', 'escape-link/sub']) {
      const acc = await portalAccount('sfx', { directory }, `${sys.config.PORTAL_BASE_URL}/x${n}`);
      const id = (
        await editor.post('/items', {
          organisationId: sys.seed.orgs['sfx'],
          title: `目录测试${++n}`,
          bodyHtml: '<p>正文。</p>',
          kind: 'notice',
          targetAccountIds: [acc],
        })
      ).data.id;
      const submit = await editor.post(`/items/${id}/submit`);
      // the channel's own submit-time validation names the problem
      expect(submit.status).toBe(422);
      expect(JSON.stringify(submit.data.details)).toContain('网站目录');
    }
    expect(await fs.readdir(outside)).toEqual([]);
    const index = await fs.readFile(path.join(sys.portalDir, 'index.html'), 'utf8');
    expect(index).toContain('示范县人民政府');
    expect((await files()).map((f) => `${f.rel}:${f.text.length}`).sort()).toEqual(before);
  });

  it('each organisation’s site has its own place; the county keeps /site/; a second site cannot take over the first', async () => {
    const jyjEditor = await userAt('sfx-jyj', 'editor');
    const jyjSite = await portalAccount('sfx-jyj', {}, 'https://jyj.sfx.example.gov.cn');
    const id = await publish({ title: '教育局自己的网站文章' }, jyjEditor, 'sfx-jyj', [jyjSite]);
    const [d] = (await settled(id))!;
    expect(d.state).toBe('published');
    const own = await containing('教育局自己的网站文章');
    expect(own.length).toBeGreaterThan(0);
    for (const f of own) expect(f.startsWith(path.join('sites', 'sfx-jyj') + path.sep)).toBe(true);
    expect(await fs.readFile(path.join(sys.portalDir, 'index.html'), 'utf8')).not.toContain('教育局自己的网站文章');

    // a department account pointing at the county's site (same URL, no directory) is refused at submit
    const wjwEditor = await userAt('sfx-wjw', 'editor');
    const clash = await portalAccount('sfx-wjw', {}, sys.config.PORTAL_BASE_URL!);
    const c = await wjwEditor.post('/items', {
      organisationId: sys.seed.orgs['sfx-wjw'],
      title: '卫健委抢占县网站',
      bodyHtml: '<p>正文。</p>',
      kind: 'notice',
      targetAccountIds: [clash],
    });
    const s = await wjwEditor.post(`/items/${c.data.id}/submit`);
    expect(s.status).toBe(422);
    expect(JSON.stringify(s.data.details)).toContain('网站目录');
    expect(await containing('卫健委抢占县网站')).toEqual([]);
  });
});
