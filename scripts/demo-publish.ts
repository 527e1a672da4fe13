/**
 * `npm run demo:publish` — against a running system (`npm start` in another terminal):
 * logs in as editor, writes an item for the portal, submits; logs in as reviewer, approves; waits for
 * the delivery to be published; then shows the article page in the portal directory with its title and
 * catalogue metadata, the delivery, the ledger row and the audit trail.
 *
 * Settings: BASE_URL (default http://127.0.0.1:3000), SEED_PASSWORD (the demo users' password),
 * PORTAL_DIR (default .data/portal), DATABASE_URL (default: the embedded Postgres of `npm start`).
 */
import axios from 'axios';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { Client } from 'pg';

async function main() {
  const base = (process.env.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const password = process.env.SEED_PASSWORD ?? process.argv[2];
  if (!password) throw new Error('set SEED_PASSWORD (or pass it as the first argument): the password `npm start` printed');
  const http = axios.create({ baseURL: `${base}/api/v1`, validateStatus: () => true });
  const login = async (username: string) => {
    const r = await http.post('/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.data?.message ?? r.status}`);
    return { headers: { Authorization: `Bearer ${r.data.accessToken}` } };
  };
  const editor = await login('editor');
  const orgs = (await http.get('/organisations', editor)).data as { id: string; code: string; name: string }[];
  const county = orgs.find((o) => o.code === 'sfx') ?? orgs[0];
  const accounts = (await http.get('/channel-accounts', { ...editor, params: { organisationId: county.id } })).data as {
    id: string;
    channelType: string;
    name: string;
  }[];
  const portal = accounts.filter((a) => a.channelType === 'portal');
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const created = await http.post(
    '/items',
    {
      organisationId: county.id,
      title: `${county.name}关于开展${today}政务公开日活动的通知`,
      bodyHtml: '<p>各乡镇人民政府、县直各部门：</p><p>为推进政务公开，定于近期开展政务公开日活动，请按要求做好准备。</p>',
      summary: '政务公开日活动安排',
      docNo: `示政办函〔${today.slice(0, 4)}〕${Math.floor(Math.random() * 90) + 10}号`,
      writtenDate: today,
      category: '政务公开',
      kind: 'notice',
      targetAccountIds: portal.map((a) => a.id),
    },
    editor,
  );
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.data)}`);
  const id = created.data.id;
  console.log(`editor created ${id} (索引号 ${created.data.indexNo})`);
  const sub = await http.post(`/items/${id}/submit`, {}, editor);
  if (sub.status !== 200) throw new Error(`submit: ${JSON.stringify(sub.data)}`);
  console.log('editor submitted it for review');
  const reviewer = await login('reviewer');
  const ap = await http.post(`/items/${id}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密' }, reviewer);
  if (ap.status !== 200) throw new Error(`approve: ${JSON.stringify(ap.data)}`);
  console.log(`reviewer approved it: version ${ap.data.version?.versionNo}`);

  let deliveries: { state: string; externalUrl: string; accountName: string }[] = [];
  for (let i = 0; i < 100; i++) {
    deliveries = (await http.get(`/items/${id}/deliveries`, editor)).data;
    if (deliveries.length && deliveries.every((d) => ['published', 'failed', 'cancelled'].includes(d.state))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const d of deliveries) console.log(`delivery ${d.accountName}: ${d.state} ${d.externalUrl ?? ''}`);

  const dir = process.env.PORTAL_DIR ?? path.join(process.env.DATA_DIR ?? '.data', 'portal');
  const file = path.join(dir, 'articles', `${id}.html`);
  if (existsSync(file)) {
    const html = readFileSync(file, 'utf8');
    console.log(`article page ${file}:`);
    for (const label of ['索引号', '发布机构', '成文日期', '发布日期', '文号', '主题分类', '有效性']) {
      const m = new RegExp(`<th scope="row">${label}</th><td>([^<]*)</td>`).exec(html);
      console.log(`  ${label}: ${m?.[1] ?? '(missing)'}`);
    }
  } else {
    console.log(`article page not found at ${file} (set PORTAL_DIR if the portal is elsewhere)`);
  }

  const dbUrl =
    process.env.DATABASE_URL ??
    (existsSync(path.join(process.env.DATA_DIR ?? '.data', 'pg')) ? 'postgres://postgres:postgres@127.0.0.1:54320/postgres' : undefined);
  if (dbUrl) {
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    const rows = await db.query(`SELECT channel_type, published_at, external_url FROM publication_records WHERE item_id = $1`, [id]);
    console.log(`ledger rows: ${rows.rowCount}`);
    for (const r of rows.rows) console.log(`  ${r.channel_type} ${new Date(r.published_at).toISOString()} ${r.external_url}`);
    await db.end();
  }
  const audit = (await http.get(`/items/${id}/audit`, editor)).data as { action: string; actorName: string; at: string }[];
  console.log('audit trail:');
  for (const a of audit) console.log(`  ${a.at} ${a.actorName} ${a.action}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
