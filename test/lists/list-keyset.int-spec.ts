import type { AxiosInstance } from 'axios';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { countText, pageText } from '../../apps/console/src/lib/list-count';
import { deliveryPageIdsSql } from '../../apps/api/src/deliveries/delivery-page.sql';
import { SORT_KEYS } from '../../apps/api/src/operator/operator.service';
import { seedListRows } from './list-seed';

/**
 * Lists at provincial scale (issue 17.2), over HTTP on a real api and Postgres: each list walked page by
 * page with its `nextCursor` sees every row exactly once and in the list's order, also while rows are
 * written between pages (rows newer than the position never show up, older ones do at their place);
 * filters hold across pages; counts stop at 10,000 (`totalCapped`); `page` still works for the first
 * pages and is refused past the cap; a cursor that is not one of ours is a 400 naming `cursor`.
 */
describe('keyset-paged lists', () => {
  let sys: TestSystem;
  let editor: AxiosInstance, operator: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let orgs: [string, string];
  let accounts: string[];
  let authorId: string;

  beforeAll(async () => {
    sys = await startTestSystem('lists', { worker: false });
    [editor, operator, reviewer, admin] = await Promise.all(['editor', 'operator', 'reviewer', 'admin'].map((u) => sys.login(u)));
    orgs = [sys.seed.orgs['sfx'], sys.seed.orgs['sfx-jyj']];
    authorId = sys.seed.users['editor'];
    accounts = (await sys.ds.query(`SELECT id FROM channel_accounts ORDER BY channel_type, id LIMIT 2`)).map((r: { id: string }) => r.id);
    await seedListRows(sys.ds, { n: 60, orgIds: orgs, authorId, accountIds: accounts, top: '2031-01-01T00:00:00.123456Z', tag: 'a' });
  });
  afterAll(() => sys?.close());

  /** Every page of `path` by cursor (pageSize small), calling `between` once after the second page. */
  async function walk(who: AxiosInstance, path: string, rowsKey: string, params: Record<string, unknown>, between?: () => Promise<void>) {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 1; page < 500; page++) {
      const r = await who.get(path, { params: { ...params, cursor } });
      expect({ path, page, status: r.status, body: r.status === 200 ? 'ok' : r.data }).toEqual({ path, page, status: 200, body: 'ok' });
      ids.push(...r.data[rowsKey].map((x: { id: string }) => x.id));
      if (page === 2 && between) await between();
      if (!r.data.nextCursor) return ids;
      cursor = r.data.nextCursor;
    }
    throw new Error('the walk did not end');
  }

  const dbIds = async (sql: string, params: unknown[] = []) => (await sys.ds.query(sql, params)).map((r: { id: string }) => r.id);

  /**
   * Rows written mid-walk: `newer` ones sort before every walked position (never seen), `older` ones after
   * every row (seen at the end of the walk, in order).
   */
  async function writeBetween(tag: string) {
    const newer = await seedListRows(sys.ds, { n: 6, orgIds: orgs, authorId, accountIds: accounts, top: '2032-01-01T00:00:00Z', tag: `${tag}n` });
    await seedListRows(sys.ds, { n: 6, orgIds: orgs, authorId, accountIds: accounts, top: '2001-01-01T00:00:00Z', tag: `${tag}o` });
    return newer;
  }

  it('items: the cursor walk sees each row once, in (updated_at, id) order, while rows are written between pages', async () => {
    let newer: string[] = [];
    const walked = await walk(editor, '/items', 'items', { pageSize: 7 }, async () => void (newer = await writeBetween('i')));
    const expected = (await dbIds(`SELECT id FROM items ORDER BY updated_at DESC, id DESC`)).filter((id: string) => !newer.includes(id));
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(expected);
    // a filter holds on every page
    const published = await walk(editor, '/items', 'items', { pageSize: 5, status: 'submitted' });
    expect(published).toEqual(await dbIds(`SELECT id FROM items WHERE status = 'submitted' ORDER BY updated_at DESC, id DESC`));
    // a filter named like a SQL type (text) beside the cursor's key (once a 500: TypeORM read `::text` as :text)
    const byTitle = await walk(editor, '/items', 'items', { pageSize: 6, q: '列表测试a', text: '' });
    expect(byTitle).toHaveLength(60);
    const text = await editor.get('/items', { params: { text: '没有这样的正文', pageSize: 5 } });
    expect({ status: text.status, items: text.data.items }).toEqual({ status: 200, items: [] });
  });

  it('deliveries and the operator deliveries: one walk each in (updated_at, id) order, filters across pages', async () => {
    let newer: string[] = [];
    const walked = await walk(admin, '/deliveries', 'deliveries', { pageSize: 9 }, async () => void (newer = await writeBetween('d')));
    const all = `SELECT d.id FROM deliveries d WHERE NOT (d.item_id = ANY($1::uuid[])) ORDER BY d.updated_at DESC, d.id DESC`;
    expect(walked).toEqual(await dbIds(all, [newer]));
    const ops = await walk(operator, '/operator/deliveries', 'deliveries', { pageSize: 11 });
    expect(ops).toEqual(await dbIds(all, [[]]));
    const ch = await channelOf(accounts[0]);
    const failed = await walk(operator, '/operator/deliveries', 'deliveries', { pageSize: 4, state: 'failed,cancelled', channel: ch });
    expect(failed).toEqual(
      await dbIds(`SELECT id FROM deliveries WHERE state IN ('failed', 'cancelled') AND channel_type = $1 ORDER BY updated_at DESC, id DESC`, [ch]),
    );
    expect(failed.length).toBeGreaterThan(4);
    const byState = await walk(admin, '/deliveries', 'deliveries', { pageSize: 4, state: 'failed' });
    expect(byState).toEqual(await dbIds(`SELECT id FROM deliveries WHERE state = 'failed' ORDER BY updated_at DESC, id DESC`));
  });

  const channelOf = async (account: string) =>
    (await sys.ds.query(`SELECT channel_type FROM channel_accounts WHERE id = $1`, [account]))[0].channel_type as string;

  it('matrix: items by latest approval, one walk, with a state filter across pages', async () => {
    const order = `SELECT i.id FROM item_versions v JOIN items i ON i.id = v.item_id AND i.current_version_no = v.version_no
                    WHERE EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id) %s ORDER BY v.created_at DESC, v.item_id DESC`;
    expect(await walk(operator, '/operator/matrix', 'items', { pageSize: 8 })).toEqual(await dbIds(order.replace('%s', '')));
    const failed = await walk(operator, '/operator/matrix', 'items', { pageSize: 3, state: 'failed' });
    expect(failed).toEqual(await dbIds(order.replace('%s', `AND EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id AND x.state = 'failed')`)));
    expect(failed.length).toBeGreaterThan(3);
  });

  it('review queue: oldest submission first, page by page, the same rows as one big page', async () => {
    const one = await reviewer.get('/review/queue', { params: { pageSize: 500 } });
    expect(one.data.nextCursor).toBeNull();
    const all = one.data.items.map((i: { id: string }) => i.id);
    expect(all.length).toBeGreaterThan(10);
    expect(one.data).toMatchObject({ total: all.length, totalCapped: false });
    expect(await walk(reviewer, '/review/queue', 'items', { pageSize: 4 })).toEqual(all);
  });

  it('audit viewer: `cursor` pages like `before`, newest first, every entry once', async () => {
    const walked = await walk(admin, '/audit-logs', 'entries', { limit: 13 });
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.map(Number)).toEqual([...walked.map(Number)].sort((a, b) => b - a));
    const viaBefore = (await admin.get('/audit-logs', { params: { limit: 13, before: walked[12] } })).data.entries.map((e: { id: string }) => e.id);
    expect(viaBefore).toEqual(walked.slice(13, 26));
  });

  it('a cursor that is not ours answers 400 naming cursor, in Chinese; page past the cap answers 400 naming page', async () => {
    const foreign = Buffer.from(JSON.stringify(['u', 'x', 'y'])).toString('base64url');
    const cases: [AxiosInstance, string][] = [
      [editor, '/items'],
      [admin, '/deliveries'],
      [operator, '/operator/deliveries'],
      [operator, '/operator/matrix'],
      [reviewer, '/review/queue'],
      [admin, '/audit-logs'],
    ];
    for (const [who, path] of cases)
      for (const cursor of ['not a cursor!', foreign, 'eyJ4IjoxfQ', 'A'.repeat(401)]) {
        const r = await who.get(path, { params: { cursor } });
        expect({ path, cursor, status: r.status, fields: r.data.details?.map((d: { field: string }) => d.field) }).toEqual({
          path,
          cursor,
          status: 400,
          fields: ['cursor'],
        });
        expect(r.data.message).toMatch(/[\u4e00-\u9fff]/);
      }
    // a cursor of one order does not page another (the operator list ordered by creation instead of change)
    const first = await operator.get('/operator/deliveries', { params: { pageSize: 2 } });
    const other = await operator.get('/operator/deliveries', { params: { pageSize: 2, timeField: 'created', cursor: first.data.nextCursor } });
    expect({ status: other.status, field: other.data.details?.[0]?.field }).toEqual({ status: 400, field: 'cursor' });
    const deep = await editor.get('/items', { params: { page: 501, pageSize: 20 } });
    expect({ status: deep.status, field: deep.data.details?.[0]?.field }).toEqual({ status: 400, field: 'page' });
    const second = await editor.get('/items', { params: { page: 2, pageSize: 5 } });
    expect(second.status).toBe(200);
    expect(second.data.items.map((i: { id: string }) => i.id)).toEqual(await dbIds(`SELECT id FROM items ORDER BY updated_at DESC, id DESC LIMIT 5 OFFSET 5`));
  });

  it('counts are exact up to 10,000 and capped beyond; the operator summary names its capped cells', async () => {
    const before = (await admin.get('/deliveries', { params: { pageSize: 1 } })).data;
    expect(before).toMatchObject({ totalCapped: false, total: Number((await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries`))[0].n) });
    await seedListRows(sys.ds, { n: 16_000, orgIds: orgs, authorId, accountIds: [accounts[0]], top: '2020-06-01T00:00:00Z', step: 1000, tag: 'cap' });
    for (const [who, path, cap] of [
      [editor, '/items', 10_000],
      [admin, '/deliveries', 10_000],
      [operator, '/operator/deliveries', 10_000],
      // the matrix counts up to 1,000 (each item counted is a probe into the deliveries: matrix-items.sql.ts)
      [operator, '/operator/matrix', 1000],
      // so does the review queue (each item counted is the whole reviewer question): 3,200 submitted items here
      [reviewer, '/review/queue', 1000],
    ] as [AxiosInstance, string, number][]) {
      const r = await who.get(path, { params: { pageSize: 1 } });
      expect({ path, total: r.data.total, totalCapped: r.data.totalCapped }).toEqual({ path, total: cap, totalCapped: true });
    }
    // a filter that narrows below the cap is counted exactly again
    const failed = await admin.get('/deliveries', { params: { state: 'failed', pageSize: 1 } });
    expect(failed.data).toMatchObject({
      totalCapped: false,
      total: Number((await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE state = 'failed'`))[0].n),
    });
    const summary = (await operator.get('/operator/summary')).data;
    const ch = await channelOf(accounts[0]);
    expect(summary.cap).toBe(10_000);
    expect(summary.capped).toContain(`${ch}.published`);
    expect(summary.byChannel[ch].published).toBe(10_000);
    const failedOf = Number((await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE state = 'failed' AND channel_type = $1`, [ch]))[0].n);
    expect(summary.byChannel[ch].failed).toBe(failedOf);
  });

  it('the operator deliveries sorted by each of their times read an index in that order: per organisation and across many', async () => {
    // Plans with sorting and scanning made as dear as Postgres can make them: a plan still sorting deliveries
    // has no index in the list's order (a page would sort every delivery of the scope).
    const sortsIn = async (sql: string, orgIds: string[]) =>
      sys.ds.transaction(async (em) => {
        await em.query(`SET LOCAL enable_sort = off`);
        await em.query(`SET LOCAL enable_seqscan = off`);
        const [{ 'QUERY PLAN': plan }] = await em.query(`EXPLAIN (FORMAT JSON) ${sql}`, [orgIds]);
        const sorts: string[] = [];
        const visit = (n: { 'Node Type': string; Plans?: unknown[] }) => {
          if (/Sort$/.test(n['Node Type'])) sorts.push(n['Node Type']);
          for (const c of n.Plans ?? []) visit(c as typeof n);
        };
        visit(plan[0].Plan);
        return sorts;
      });
    for (const [field, key] of Object.entries(SORT_KEYS)) {
      // a department or a county: each organisation's rows in order, the pieces merged (one sort, of at most 51 a piece)
      const few = await sortsIn(deliveryPageIdsSql({ orgCount: 2, where: [], joins: '', key, limit: 51 }), orgs);
      expect({ field, few }).toEqual({ field, few: ['Sort'] });
      // the province: the index on the time alone
      const many = await sortsIn(deliveryPageIdsSql({ orgCount: 1000, where: [], joins: '', key, limit: 51 }), orgs);
      expect({ field, many }).toEqual({ field, many: [] });
    }
    // and the pages agree with the order they promise (one account's deliveries: the other has the 16,000 above)
    for (const timeField of ['published', 'due', 'created'] as const) {
      const walked = await walk(operator, '/operator/deliveries', 'deliveries', { pageSize: 7, timeField, account: accounts[1] });
      expect(walked).toEqual(
        await dbIds(`SELECT d.id FROM deliveries d WHERE d.channel_account_id = $1 ORDER BY ${SORT_KEYS[timeField]} DESC, d.id DESC`, [accounts[1]]),
      );
      expect(walked.length).toBeGreaterThan(7);
    }
  });

  it('the console words a capped count as 超过 N 条 and never shows a page count it does not know', () => {
    expect(countText({ total: 31, totalCapped: false })).toBe('共 31 条');
    expect(countText({ total: 10000, totalCapped: true })).toBe('超过 10000 条');
    expect(pageText(2, { total: 31, totalCapped: false, pageSize: 30 })).toBe('第 2 / 2 页（共 31 条）');
    expect(pageText(3, { total: 10000, totalCapped: true, pageSize: 30 })).toBe('第 3 页（超过 10000 条）');
    expect(pageText(null, { total: 10000, totalCapped: true, pageSize: 30 })).toBe('（超过 10000 条）');
  });
});
