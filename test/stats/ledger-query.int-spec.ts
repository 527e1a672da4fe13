import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService, Scope } from '@app/stats/ledger-query.service';
import { parsePeriod, Period } from '@app/stats/period';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

describe('ledger queries and rollups (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let q: LedgerQueryService;
  const scope = (k: keyof StatsFixture['orgs'], subtree = true): Scope => ({ orgId: f.orgs[k].id, orgPath: f.orgs[k].path, subtree });

  beforeAll(async () => {
    t = await createTestDataSource('statsledger');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    q = new LedgerQueryService(ds);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts 2018 for the county and its subtree by the rules of STATISTICS.md', async () => {
    const c = await q.channelCounts(scope('county'), parsePeriod({ year: 2018 }));
    expect(c.source).toBe('rollup');
    // i1 i2 i4 i5 i6 i8 i9 i11 i12 i13: i2 at 23:30 on 31 December counts, i3 (01:00 on 1 January) does not,
    // the withdrawn i4 still counts, i12's revision counts once, i7 was never published, i10 is another county.
    expect(c.total).toBe(10);
    expect(c.byReportRow).toEqual({ gazette: 0, portal: 9, weibo: 1, wechat: 2, other: 1 });
    expect(Object.fromEntries(c.byChannelType.map((x) => [x.channelType, x.items]))).toEqual({ portal: 9, wechat: 2, weibo: 1, led: 1, sms: 1 });
    expect(c.flags).toEqual({ normative: 3, interpretation: 1, response: 2 });
    // Two WeChat accounts published i1: once for the type, once per account.
    expect(Object.fromEntries(c.byAccount.map((a) => [a.accountId, a.items]))).toEqual({
      [f.accounts.portal]: 9,
      [f.accounts.wechat]: 2,
      [f.accounts.wechatA]: 1,
      [f.accounts.weibo]: 1,
      [f.accounts.led]: 1,
      [f.accounts.sms]: 1,
    });
    expect(c.byAccount.find((a) => a.accountId === f.accounts.wechatA)).toMatchObject({
      name: '永定教育',
      channelType: 'wechat',
      ownerOrganisationId: f.orgs.deptA.id,
    });
    expect(Object.fromEntries(c.byCategory.map((x) => [x.category, x.items]))).toEqual({ 综合政务: 6, 教育: 2, 财政: 2 });
    expect(Object.fromEntries(c.byKind.map((x) => [x.kind, x.items]))).toEqual({ notice: 2, normative: 3, interpretation: 1, response: 2, regulation: 2 });
    expect(c.checks.every((x) => x.ok)).toBe(true);
    expect(c.checks.find((x) => x.id === 'total-le-sum')!.detail).toBe('10 ≤ 14');
  });

  it('puts 2018-12-31T17:00Z in 2019 and answers own-only and custom periods', async () => {
    const y2019 = await q.channelCounts(scope('county'), parsePeriod({ year: 2019 }));
    expect(y2019.total).toBe(2);
    expect(y2019.byReportRow).toEqual({ gazette: 1, portal: 1, weibo: 1, wechat: 0, other: 0 });
    expect(y2019.flags).toEqual({ normative: 1, interpretation: 0, response: 1 });
    const own = await q.channelCounts(scope('county', false), parsePeriod({ year: 2018 }));
    expect(own.total).toBe(6); // i1 i5 i8 i9 i11 i12
    const deptA = await q.channelCounts(scope('deptA'), parsePeriod({ year: 2019, month: 1 }));
    expect(deptA.total).toBe(2); // i2 (gazette 15 Jan) and townA1's i3 (portal 1 Jan)
    const span = await q.channelCounts(scope('county'), parsePeriod({ from: '2018-12-31', to: '2019-01-01' }));
    expect(span.source).toBe('ledger');
    expect(span.total).toBe(2);
    expect(span.byReportRow.portal).toBe(2);
    const dec31 = await q.channelCounts(scope('county'), parsePeriod({ from: '2018-12-31', to: '2018-12-31' }));
    expect(dec31.total).toBe(1);
    const q4 = await q.countDims(scope('county'), parsePeriod({ year: 2018, quarter: 4 }), ['*', 'ch:portal', 'ch:wechat']);
    expect(Object.fromEntries(q4.counts)).toEqual({ '*': 3, 'ch:portal': 3, 'ch:wechat': 1 });
  });

  it('rollups equal the raw COUNT(DISTINCT) for every organisation, scope, calendar period and dimension', async () => {
    const periods: Period[] = [];
    for (const y of [2017, 2018, 2019]) {
      periods.push(parsePeriod({ year: y }));
      for (let qn = 1; qn <= 4; qn++) periods.push(parsePeriod({ year: y, quarter: qn }));
      for (let m = 1; m <= 12; m++) periods.push(parsePeriod({ year: y, month: m }));
    }
    const dims: string[] = ['*', 'f:normative', 'f:interpretation', 'f:response', 'f:response-newmedia'];
    const listed: { v: string }[] = await ds.query(
      `SELECT DISTINCT unnest(ARRAY['ch:' || channel_type, 'r:' || report_row, 'a:' || channel_account_id::text, 'c:' || category, 'k:' || kind]) AS v FROM publication_records`,
    );
    dims.push(...listed.map((r) => r.v));
    let compared = 0;
    let nonZero = 0;
    for (const k of ['county', 'deptA', 'townA1', 'deptB', 'other'] as const)
      for (const subtree of [true, false])
        for (const p of periods) {
          const a = await q.countDims(scope(k, subtree), p, dims, 'rollup');
          const b = await q.countDims(scope(k, subtree), p, dims, 'ledger');
          expect(Object.fromEntries(a.counts)).toEqual(Object.fromEntries(b.counts));
          compared += dims.length;
          nonZero += [...b.counts.values()].filter((n) => n > 0).length;
        }
    expect(nonZero).toBeGreaterThan(200);
    expect(compared).toBeGreaterThan(5000);
  });

  it('the rollups leave exactly what stats_rebuild() computes from the ledger', async () => {
    await q.settle();
    expect((await ds.query(`SELECT count(*)::int AS n FROM stats_pending_publications`))[0].n).toBe(0);
    const snap = async () =>
      (await ds.query(`SELECT grain, period_start::text AS p, dim, organisation_id, n FROM stats_rollups ORDER BY 1, 2, 3, 4`)).map((r: any) =>
        JSON.stringify(r),
      );
    const periods = async () =>
      (await ds.query(`SELECT item_id, organisation_id, year, dims FROM stats_item_periods ORDER BY 1, 2, 3`)).map((r: any) => JSON.stringify(r));
    const before = await snap();
    const beforeP = await periods();
    expect(before.length).toBeGreaterThan(100);
    await ds.query('SELECT stats_rebuild()');
    expect(await snap()).toEqual(before);
    expect(await periods()).toEqual(beforeP);
  });

  it('a multi-row INSERT of one item counts it once per period', async () => {
    const item = f.items.i7; // never published so far
    await ds.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, report_row, new_media, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
       SELECT $1, 1, $2, c, r, nm, NULL, t::timestamptz, 'normative', '综合政务', true, false, false
       FROM (VALUES ('portal', 'portal', false, '2020-05-01T01:00:00Z'), ('wechat', 'wechat', true, '2020-05-01T02:00:00Z'),
                    ('portal', 'portal', false, '2020-06-01T01:00:00Z'), ('led', 'other', false, '2020-11-01T01:00:00Z')) v(c, r, nm, t)`,
      [item.id, f.orgs.county.id],
    );
    const y = await q.countDims(scope('county'), parsePeriod({ year: 2020 }), ['*', 'ch:portal', 'r:portal', 'r:other', 'f:normative'], 'rollup');
    expect(Object.fromEntries(y.counts)).toEqual({ '*': 1, 'ch:portal': 1, 'r:portal': 1, 'r:other': 1, 'f:normative': 1 });
    const q2 = await q.countDims(scope('county'), parsePeriod({ year: 2020, quarter: 2 }), ['*', 'ch:portal', 'ch:wechat'], 'rollup');
    expect(Object.fromEntries(q2.counts)).toEqual({ '*': 1, 'ch:portal': 1, 'ch:wechat': 1 });
  });

  it('two transactions publishing one item at once count it once', async () => {
    const url = t.url;
    const a = new Client({ connectionString: url });
    const b = new Client({ connectionString: url });
    await a.connect();
    await b.connect();
    const itemId = randomUUID();
    await ds.query(
      `INSERT INTO items (id, organisation_id, author_id, status, title, index_no, issuing_body, kind) VALUES ($1, $2, $3, 'approved', '并发', $4, 'x', 'notice')`,
      [itemId, f.orgs.deptB.id, f.userId, `race-${itemId}`],
    );
    const ins = (c: Client, account: string, at: string) =>
      c.query(
        `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
         VALUES ($1, 1, $2, 'wechat', $3, $4, 'notice', '财政', false, false, false)`,
        [itemId, f.orgs.deptB.id, account, at],
      );
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await ins(a, f.accounts.wechat, '2021-03-01T01:00:00Z');
      const second = ins(b, f.accounts.wechatA, '2021-03-01T01:00:01Z');
      await new Promise((r) => setTimeout(r, 200));
      await a.query('COMMIT');
      await second;
      await b.query('COMMIT');
    } finally {
      await a.end();
      await b.end();
    }
    const p = parsePeriod({ year: 2021, month: 3 });
    const r = await q.countDims(scope('deptB', false), p, ['*', 'ch:wechat', `a:${f.accounts.wechat}`, `a:${f.accounts.wechatA}`], 'rollup');
    expect(Object.fromEntries(r.counts)).toEqual({ '*': 1, 'ch:wechat': 1, [`a:${f.accounts.wechat}`]: 1, [`a:${f.accounts.wechatA}`]: 1 });
    const raw = await q.countDims(scope('deptB', false), p, ['*', 'ch:wechat'], 'ledger');
    expect(raw.counts.get('*')).toBe(1);
  });

  it('keeps the ledger append-only', async () => {
    await expect(ds.query(`UPDATE publication_records SET channel_type = 'portal'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM publication_records`)).rejects.toThrow(/append-only/);
  });
});
