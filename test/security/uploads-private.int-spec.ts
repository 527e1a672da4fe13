import { AxiosInstance } from 'axios';
import { promises as fs } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { buildMinimalDocx } from '@app/compliance/testing/minimal-docx';
import { TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * Issue 12, point 2 (先审查、后公开, 涉密不上网): an upload is private until a version that uses it is
 * published to the portal. Before that it is served only under /api/v1 to signed-in users who may see
 * its item (or, while no item uses it, to its uploader and users with a role over the uploader's
 * organisation); publication copies it to /site/uploads/; a revision that drops it takes the copy away.
 */
describe('uploads are private until published (issue 12.2)', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let portal: string;
  let n = 0;

  startChannelSuite(
    'uploads-private',
    { users: ['editor', 'reviewer', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );
  beforeAll(async () => {
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
  });

  const form = (data: Buffer, filename: string, type: string, purpose = 'image') => {
    const f = new FormData();
    f.append('purpose', purpose);
    f.append('file', new Blob([new Uint8Array(data)], { type }), filename);
    return f;
  };
  const png = (seed: number) =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: { r: seed % 255, g: 90, b: 30 } } })
      .png()
      .toBuffer();
  const docx = (marked: boolean) => buildMinimalDocx(['关于召开全县安全生产工作会议的通知', '请各单位准时参加。'], marked ? { header: ['秘密★1年'] } : {});
  const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

  async function userAt(orgCode: string, role: string): Promise<AxiosInstance> {
    const username = `up-${role}-${orgCode}-${++n}`;
    const r = await admin.post('/users', {
      username,
      displayName: `测试${username}`,
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs[orgCode],
      roles: [{ organisationId: sys.seed.orgs[orgCode], role }],
    });
    expect(r.status).toBe(201);
    return sys.login(username);
  }

  /** Every file under the portal directory, with its bytes. */
  async function portalFiles(): Promise<{ rel: string; buf: Buffer }[]> {
    const out: { rel: string; buf: Buffer }[] = [];
    const walk = async (dir: string) => {
      for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) out.push({ rel: path.relative(sys.portalDir, full), buf: await fs.readFile(full) });
      }
    };
    await walk(sys.portalDir);
    return out;
  }
  const inPortal = async (bytes: Buffer) => (await portalFiles()).filter((f) => f.buf.equals(bytes)).map((f) => f.rel);
  const anon = (url: string, headers: Record<string, string> = {}) => fetch(url.startsWith('http') ? url : `${sys.url}${url}`, { headers, redirect: 'manual' });
  const get = (who: AxiosInstance, url: string) => who.get(url.replace(/^\/api\/v1/, ''), { responseType: 'arraybuffer' });

  async function publish(body: Record<string, unknown>): Promise<string> {
    const c = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `附件公开测试${++n}`,
      kind: 'notice',
      targetAccountIds: [portal],
      ...body,
    });
    expect(c.status).toBe(201);
    expect((await editor.post(`/items/${c.data.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${c.data.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    await waitFor(async () => (await editor.get(`/items/${c.data.id}`)).data.status === 'published', 30_000, 'published');
    return c.data.id;
  }

  it('an upload is not public: nothing under the portal directory, no anonymous access, headers on the private route', async () => {
    const img = await png(1);
    const up = await editor.post('/uploads', form(img, '现场.png', 'image/png'));
    expect(up.status).toBe(201);
    expect(up.data.url).toMatch(/^\/api\/v1\/uploads\/\d{4}\/\d{2}\/[0-9a-f]{24}\.png$/);
    expect(await inPortal(img)).toEqual([]);
    expect((await anon(up.data.url)).status).toBe(401);
    const key = up.data.url.replace('/api/v1/uploads/', '');
    expect((await anon(`/site/uploads/${key}`)).status).toBe(404);

    const mine = await get(editor, up.data.url);
    expect(mine.status).toBe(200);
    expect(Buffer.from(mine.data).equals(img)).toBe(true);
    expect(mine.headers['content-type']).toBe('image/png');
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    expect(mine.headers['content-disposition']).toBeUndefined();

    // A secrecy-marked attachment stays where nobody outside can read it.
    const secret = await docx(true);
    const att = await editor.post('/uploads', form(secret, '会议通知.docx', DOCX, 'attachment'));
    expect(att.status).toBe(201);
    expect(await inPortal(secret)).toEqual([]);
    expect((await anon(att.data.url)).status).toBe(401);
    const d = await get(editor, att.data.url);
    expect(d.status).toBe(200);
    expect(d.headers['x-content-type-options']).toBe('nosniff');
    expect(d.headers['content-disposition']).toMatch(/^attachment;/);
    expect(d.headers['content-disposition']).toContain(encodeURIComponent('会议通知.docx'));
  });

  it('only users who may see the item (or, before any item uses it, the uploader and roles over the uploader) read it', async () => {
    const jyjEditor = await userAt('sfx-jyj', 'editor');
    const wjwEditor = await userAt('sfx-wjw', 'editor');
    const img = await png(2);
    const up = await jyjEditor.post('/uploads', form(img, 'a.png', 'image/png'));
    expect(up.status).toBe(201);
    // not yet used: the uploader and the county (a role over 教育局) may; another department may not
    expect((await get(jyjEditor, up.data.url)).status).toBe(200);
    expect((await get(reviewer, up.data.url)).status).toBe(200);
    const other = await get(wjwEditor, up.data.url);
    expect(other.status).toBe(404);
    expect(JSON.parse(Buffer.from(other.data).toString())).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });

    // used by a 教育局 item: whoever may see that item may see the image
    const item = await jyjEditor.post('/items', {
      organisationId: sys.seed.orgs['sfx-jyj'],
      title: '教育局通知',
      kind: 'notice',
      bodyHtml: `<p><img src="${up.data.url}"></p>`,
      targetAccountIds: [],
    });
    expect(item.status).toBe(201);
    const jyjReviewer = await userAt('sfx-jyj', 'reviewer');
    expect((await get(jyjReviewer, up.data.url)).status).toBe(200);
    expect((await get(wjwEditor, up.data.url)).status).toBe(404);
    // nonsense keys are a 404, never a path outside the store
    expect((await editor.get('/uploads/2026/01/..%2F..%2Fsecrets.json')).status).toBe(404);
    expect((await editor.get('/uploads/2026/01/zz.png')).status).toBe(404);
  });

  it('the console reads private images with its session cookie (an <img> cannot send a bearer token)', async () => {
    const img = await png(3);
    const up = await editor.post('/uploads', form(img, 'c.png', 'image/png'));
    const consoleLogin = async (username: string) => {
      const r = await fetch(`${sys.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-requested-with': 'gd-console' },
        body: JSON.stringify({ username, password: TEST_PASSWORD }),
      });
      expect(r.status).toBe(200);
      return String(r.headers.get('set-cookie')).split(';')[0];
    };
    const cookie = await consoleLogin('editor');
    const withCookie = await anon(up.data.url, { cookie });
    expect(withCookie.status).toBe(200);
    expect(Buffer.from(await withCookie.arrayBuffer()).equals(img)).toBe(true);
    // another department's console session gets nothing of an upload it has no business with
    const wjwName = `up-editor-sfx-wjw-${++n}`;
    expect(
      (
        await admin.post('/users', {
          username: wjwName,
          displayName: wjwName,
          password: TEST_PASSWORD,
          homeOrganisationId: sys.seed.orgs['sfx-wjw'],
          roles: [{ organisationId: sys.seed.orgs['sfx-wjw'], role: 'editor' }],
        })
      ).status,
    ).toBe(201);
    expect((await anon(up.data.url, { cookie: await consoleLogin(wjwName) })).status).toBe(404);
  });

  it('publication copies a used upload to /site/uploads/; a revision that drops it takes the public copy away', async () => {
    const img = await png(5);
    const clean = await docx(false);
    const up = await editor.post('/uploads', form(img, '图.png', 'image/png'));
    const att = await editor.post('/uploads', form(clean, '方案.docx', DOCX, 'attachment'));
    const unused = await editor.post('/uploads', form(await png(6), '没用上.png', 'image/png'));
    const id = await publish({
      bodyHtml: `<p>正文</p><p><img src="${up.data.url}" alt="图"></p>`,
      attachments: [{ name: att.data.name, url: att.data.url, mime: att.data.mime, size: att.data.size }],
    });
    const key = (u: string) => u.replace('/api/v1/uploads/', '');
    const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8');
    expect(page).toContain(`src="${sys.url}/site/uploads/${key(up.data.url)}"`);
    expect(page).toContain(`href="${sys.url}/site/uploads/${key(att.data.url)}"`);
    expect(page).not.toContain('/api/v1/uploads/');
    const pub = await anon(`/site/uploads/${key(up.data.url)}`);
    expect(pub.status).toBe(200);
    expect(Buffer.from(await pub.arrayBuffer()).equals(img)).toBe(true);
    expect(pub.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pub.headers.get('content-disposition')).toBeNull();
    // the public copy of a document is a download, never rendered as a page of the site
    const pubDoc = await anon(`/site/uploads/${key(att.data.url)}`);
    expect(pubDoc.status).toBe(200);
    expect(pubDoc.headers.get('content-disposition')).toBe('attachment');
    expect(pubDoc.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await anon(`/site/uploads/${key(unused.data.url)}`)).status).toBe(404);
    // published: still private under /api/v1 (the public copy is the portal's)
    expect((await anon(up.data.url)).status).toBe(401);

    // revision without the attachment: the public copy of the attachment goes, the image stays
    expect((await editor.patch(`/items/${id}`, { attachments: [] })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    await waitFor(async () => (await anon(`/site/uploads/${key(att.data.url)}`)).status === 404, 30_000, 'attachment copy removed');
    expect(await inPortal(clean)).toEqual([]);
    expect((await anon(`/site/uploads/${key(up.data.url)}`)).status).toBe(200);
  });

  it('WeChat and Weibo read private images from the store in the worker (no portal copy needed) and link attachments by their public copy', async () => {
    const photo = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    const up = await editor.post('/uploads', form(photo, '现场照片.png', 'image/png'));
    const att = await editor.post('/uploads', form(await docx(false), '实施方案.docx', DOCX, 'attachment'));
    const wechat = sys.seed.accounts['wechat:示范县发布（政务微信）'];
    const weibo = sys.seed.accounts['weibo:示范县发布（政务微博）'];
    const id = await publish({
      summary: '现场照片',
      bodyHtml: `<p>现场情况如下。</p><p><img src="${up.data.url}" alt="现场"></p>`,
      attachments: [{ name: att.data.name, url: att.data.url, mime: att.data.mime, size: att.data.size }],
      targetAccountIds: [wechat, weibo],
    });
    const key = (u: string) => u.replace('/api/v1/uploads/', '');
    const states = await waitFor(
      async () => {
        const rows: { state: string; last_error_message: string | null }[] = await sys.ds.query(
          `SELECT state, last_error_message FROM deliveries WHERE item_id = $1`,
          [id],
        );
        return rows.every((r) => ['published', 'failed'].includes(r.state)) ? rows : null;
      },
      30_000,
      'wechat and weibo settled',
    );
    expect(states).toEqual([
      { state: 'published', last_error_message: null },
      { state: 'published', last_error_message: null },
    ]);
    expect(await inPortal(photo)).toEqual([]); // no portal publication, so no public copy: read from the private store
    const wx = sim.records.list({ system: 'wechat' }).filter((r) => String(r.meta?.content ?? '').includes('现场情况如下'));
    expect(wx).toHaveLength(1);
    const content = String(wx[0].meta!.content);
    expect(content.match(/http:\/\/mmbiz\.qpic\.cn\/sim\//g)).toHaveLength(1);
    expect(content).not.toContain('/api/v1/uploads/');
    expect(content).toContain(`实施方案.docx（${sys.url}/site/uploads/${key(att.data.url)}）`);
    const wb = sim.records.list({ system: 'weibo' }).filter((r) => String(r.meta?.sentText ?? '').includes(`${id}.html`));
    expect(wb).toHaveLength(1);
    expect(wb[0].meta!.pic).toBeTruthy();
  });

  it('the gazette publishes its items’ private uploads with the issue, and not before', async () => {
    const gazette = sys.seed.accounts['gazette:示范县人民政府公报'];
    const operator = await sys.login('operator');
    const img = await png(7);
    const up = await editor.post('/uploads', form(img, '公报插图.png', 'image/png'));
    const key = up.data.url.replace('/api/v1/uploads/', '');
    const c = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '示范县人民政府关于印发公报插图办法的通知',
      kind: 'normative',
      docNo: '示政发〔2026〕30号',
      writtenDate: '2026-03-01',
      bodyHtml: `<p>办法如下。</p><p><img src="${up.data.url}" alt="插图"></p>`,
      targetAccountIds: [gazette],
    });
    expect(c.status).toBe(201);
    expect((await editor.post(`/items/${c.data.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${c.data.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    await waitFor(
      async () => (await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = $1`, [c.data.id]))[0]?.state === 'awaiting_issue',
      30_000,
      'awaiting issue',
    );
    expect(await inPortal(img)).toEqual([]);
    const compiled = await operator.post(`/gazette/${gazette}/issues/compile`);
    expect(compiled.status).toBe(200);
    const pub = await operator.post(`/gazette/issues/${compiled.data.id}/publish`);
    expect(pub.status).toBe(200);
    const page = await (await anon(pub.data.issue.url)).text();
    expect(page).toContain(`src="${sys.url}/site/gazette/uploads/${key}"`);
    expect(page).not.toContain('/api/v1/uploads/');
    const copy = await anon(`/site/gazette/uploads/${key}`);
    expect(copy.status).toBe(200);
    expect(Buffer.from(await copy.arrayBuffer()).equals(img)).toBe(true);
  });
});
