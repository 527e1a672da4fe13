import { AxiosInstance } from 'axios';
import { randomUUID } from 'crypto';
import ExcelJS from 'exceljs';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { ItemKind } from '@app/domain/enums/domain-enums';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import type { SelfCheckDoc } from '../../apps/api/src/self-check/self-check.types';

/**
 * Issue 16.3, the monthly 自查 for November 2025 (检查时间点 2025-11-30, Beijing), on a ledger written here
 * through the ledger writer, under the demo county:
 *
 *   X 测试县政务公开办 (settings: portal columns 政务动态, 通知公告, 机构概况)
 *   └─ Y 测试县教育局
 *   accounts (opened 2025-01-01): pX portal 测试县门户网站, wX WeChat 测试县发布 (X); wY WeChat 测试教育, bY Weibo 测试教育微博 (Y)
 *
 *   i1  X notice        政务动态  pX + wX 2025-11-10 10:00
 *   i2  X notice        通知公告  pX 2025-06-15
 *   i3  X normative     政策文件  pX 2025-11-20   ← i4 X interpretation 政策解读 pX 2025-11-21 (linked both ways)
 *   i5  Y normative     政策文件  wY 2025-11-05   ← i6 Y interpretation wY 2025-11-06 (published, not on a portal: not linked)
 *   i7  Y regulation    政策文件  wY 2025-10-01   (no interpretation)
 *   i8  Y notice        通知公告  wY 2025-11-12, 发布日期 set to 2025-11-01 (backdated 11 days)
 *   i9  X notice        领导活动  wX 2025-11-30 23:30 (the month's last half hour: counted)
 *   i11 X notice        政务动态  pX 2025-12-01 00:30 (after the 检查时间点: does not exist for November)
 *
 * Hand-computed at 2025-11-30:
 *   pX columns: 首页 last 11-21 (9 days, ok); 政务动态 last 11-10 (20 days > 2周: stale); 通知公告 last 06-15
 *     (168 days, within 6个月 until 12-15: ok); 政策文件 11-20 (ok); 政策解读 (其他, no period: ok);
 *     机构概况 configured, never published (空白栏目). Below every veto threshold (1 ruled column, 2 stale, 1 blank).
 *   new media: wX last 11-30 (0 days, ok); wY last 11-12 (18 days: stale); bY never (stale) → 2 vetoes.
 *   政策解读: policies i3, i5, i7 → 3; interpreted i3, i5 → 2 (66.7%); missing i7; unlinked i5/i6.
 *     X 1/1 linked 1; Y 2 policies, 1 interpreted, 0 linked.
 *   backdated: i8 (2025-11-01 < 2025-11-12, 11 days).
 *   通报 November: X own i1 i3 i4 i9 = 4 (portal 3, WeChat 2); Y own i5 i6 i8 = 3 (WeChat 3); subtree 7.
 *   month items: pX 3 (政务动态 1, 政策文件 1, 政策解读 1), wX 2, wY 3, bY 0.
 */
describe('monthly self-check (自查) report', () => {
  let sys: TestSystem;
  let stat: AxiosInstance;
  let editor: AxiosInstance;
  const org = { X: '', Y: '' };
  const acct = { pX: '', wX: '', wY: '', bY: '' };
  const item: Record<string, string> = {};

  beforeAll(async () => {
    sys = await startTestSystem('self-check', { worker: false });
    const ds = sys.ds;
    const county = sys.seed.orgs['sfx'];
    const [{ path: countyPath }] = await ds.query(`SELECT path FROM organisations WHERE id = $1`, [county]);
    const mkOrg = async (key: 'X' | 'Y', name: string, parentPath: string, parentId: string, settings: object) => {
      const id = randomUUID();
      await ds.query(`INSERT INTO organisations (id, parent_id, code, name, level, path, settings) VALUES ($1, $2, $3, $4, 'department', $5, $6)`, [
        id,
        parentId,
        `sc-${key}-${id.slice(0, 6)}`,
        name,
        `${parentPath}${id}/`,
        JSON.stringify(settings),
      ]);
      org[key] = id;
      return `${parentPath}${id}/`;
    };
    const xPath = await mkOrg('X', '测试县政务公开办', countyPath, county, {
      portalColumns: [{ name: '政务动态' }, { name: '通知公告' }, { name: '机构概况' }],
    });
    await mkOrg('Y', '测试县教育局', xPath, org.X, {});
    const mkAcct = async (key: keyof typeof acct, o: 'X' | 'Y', type: string, name: string) => {
      const id = randomUUID();
      await ds.query(`INSERT INTO channel_accounts (id, organisation_id, channel_type, name, created_at) VALUES ($1, $2, $3, $4, '2025-01-01T00:00:00Z')`, [
        id,
        org[o],
        type,
        name,
      ]);
      acct[key] = id;
    };
    await mkAcct('pX', 'X', 'portal', '测试县门户网站');
    await mkAcct('wX', 'X', 'wechat', '测试县发布');
    await mkAcct('wY', 'Y', 'wechat', '测试教育');
    await mkAcct('bY', 'Y', 'weibo', '测试教育微博');

    const userId = sys.seed.users['editor'];
    const mkItem = async (key: string, o: 'X' | 'Y', kind: ItemKind, category: string, extra: { policy?: string; publishDate?: string } = {}) => {
      const id = randomUUID();
      await ds.query(
        `INSERT INTO items (id, organisation_id, author_id, status, title, index_no, issuing_body, kind, category, policy_item_id, publish_date)
         VALUES ($1, $2, $3, 'approved', $4, $5, '测试单位', $6, $7, $8, $9)`,
        [
          id,
          org[o],
          userId,
          `自查事项${key}`,
          `SC-${id.slice(0, 8)}-${key}`,
          kind,
          category,
          extra.policy ? item[extra.policy] : null,
          extra.publishDate ?? null,
        ],
      );
      item[key] = id;
      const snapshot = {
        itemId: id,
        versionNo: 1,
        organisationId: org[o],
        organisationName: o,
        organisationCode: o,
        title: `自查事项${key}`,
        bodyHtml: '<p>正文</p>',
        summary: '',
        indexNo: `SC-${key}`,
        docNo: null,
        issuingBody: '测试单位',
        writtenDate: null,
        publishDate: null,
        category,
        disclosureAttr: '主动公开',
        validity: '有效',
        repealedDate: null,
        kind,
        policyItemId: extra.policy ? item[extra.policy] : null,
        attachments: [],
        channelOverrides: {},
        authorName: '编辑',
        approvedAt: '2025-01-01T00:00:00Z',
      } as unknown as ItemSnapshot;
      const [{ id: versionId }] = await ds.query(`INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, 1, $2, $3) RETURNING id`, [
        id,
        JSON.stringify(snapshot),
        userId,
      ]);
      return async (account: keyof typeof acct, at: string) => {
        const type = account.startsWith('p') ? 'portal' : account.startsWith('w') ? 'wechat' : 'weibo';
        await ds.transaction((em) =>
          recordPublication(em, {
            deliveryId: null,
            itemVersionId: versionId,
            snapshot,
            channelType: type,
            channelAccountId: acct[account],
            reportRow: type,
            newMedia: type !== 'portal',
            publishedAt: new Date(at),
            externalUrl: `https://example.gov.cn/${type}/${key}`,
          }),
        );
      };
    };
    const i1 = await mkItem('i1', 'X', 'notice', '政务动态');
    await i1('pX', '2025-11-10T02:00:00Z');
    await i1('wX', '2025-11-10T02:30:00Z');
    await (
      await mkItem('i2', 'X', 'notice', '通知公告')
    )('pX', '2025-06-15T02:00:00Z');
    await (
      await mkItem('i3', 'X', 'normative', '政策文件')
    )('pX', '2025-11-20T02:00:00Z');
    await (
      await mkItem('i4', 'X', 'interpretation', '政策解读', { policy: 'i3' })
    )('pX', '2025-11-21T02:00:00Z');
    await (
      await mkItem('i5', 'Y', 'normative', '政策文件')
    )('wY', '2025-11-05T02:00:00Z');
    await (
      await mkItem('i6', 'Y', 'interpretation', '政策解读', { policy: 'i5' })
    )('wY', '2025-11-06T02:00:00Z');
    await (
      await mkItem('i7', 'Y', 'regulation', '政策文件')
    )('wY', '2025-10-01T02:00:00Z');
    await (
      await mkItem('i8', 'Y', 'notice', '通知公告', { publishDate: '2025-11-01' })
    )('wY', '2025-11-12T02:00:00Z');
    await (
      await mkItem('i9', 'X', 'notice', '领导活动')
    )('wX', '2025-11-30T15:30:00Z');
    await (
      await mkItem('i11', 'X', 'notice', '政务动态')
    )('pX', '2025-11-30T16:30:00Z');

    stat = await sys.login('statistician');
    editor = await sys.login('editor');
  }, 240_000);
  afterAll(async () => sys?.close());

  const get = async (params: Record<string, string>) => {
    const r = await stat.get('/stats/self-check', { params });
    expect([r.status, r.data?.message]).toEqual([200, undefined]);
    return r.data as SelfCheckDoc;
  };

  it('computes the inspection indicators of the subtree as of the month end', async () => {
    const d = await get({ org: org.X, month: '2025-11' });
    expect([d.referenceDate, d.period.from, d.period.to, d.period.label, d.subtree]).toEqual(['2025-11-30', '2025-11-01', '2025-11-30', '2025年11月', true]);

    const col = (name: string) => d.columns.find((c) => c.accountId === acct.pX && c.column === name)!;
    expect(
      d.columns
        .filter((c) => c.accountId === acct.pX)
        .map((c) => c.column)
        .sort(),
    ).toEqual(['政务动态', '政策文件', '政策解读', '机构概况', '通知公告', '首页'].sort());
    expect(col('首页')).toMatchObject({ lastPublishedDate: '2025-11-21', idleDays: 9, breach: false, empty: false, monthItems: 3, period: '2周' });
    expect(col('政务动态')).toMatchObject({ lastPublishedDate: '2025-11-10', idleDays: 20, breach: true, empty: false, monthItems: 1, period: '2周' });
    expect(col('通知公告')).toMatchObject({ lastPublishedDate: '2025-06-15', idleDays: 168, breach: false, monthItems: 0, period: '6个月' });
    expect(col('政策文件')).toMatchObject({ lastPublishedDate: '2025-11-20', idleDays: 10, breach: false, monthItems: 1 });
    expect(col('政策解读')).toMatchObject({ breach: false, period: null, monthItems: 1 });
    expect(col('机构概况')).toMatchObject({ lastPublishedDate: null, idleDays: null, empty: true, breach: true, monthItems: 0 });
    expect(col('政务动态').organisationName).toBe('测试县政务公开办');

    const acc = (id: string) => d.accounts.find((a) => a.accountId === id)!;
    expect(d.accounts.map((a) => a.accountId).sort()).toEqual([acct.wX, acct.wY, acct.bY].sort());
    expect(acc(acct.wX)).toMatchObject({
      lastPublishedDate: '2025-11-30',
      idleDays: 0,
      breach: false,
      monthItems: 2,
      period: '2周',
      organisationName: '测试县政务公开办',
    });
    expect(acc(acct.wY)).toMatchObject({ lastPublishedDate: '2025-11-12', idleDays: 18, breach: true, monthItems: 3, organisationName: '测试县教育局' });
    expect(acc(acct.bY)).toMatchObject({ lastPublishedDate: null, idleDays: null, breach: true, monthItems: 0 });

    expect(d.interpretation.total).toMatchObject({ policies: 3, interpreted: 2, linkedBothWays: 1 });
    expect(d.interpretation.total.coverage).toBeCloseTo(2 / 3, 10);
    const row = (id: string) => d.interpretation.rows.find((r) => r.organisationId === id)!;
    expect(row(org.X)).toMatchObject({ policies: 1, interpreted: 1, linkedBothWays: 1, coverage: 1 });
    expect(row(org.Y)).toMatchObject({ policies: 2, interpreted: 1, linkedBothWays: 0, coverage: 0.5 });
    expect(d.interpretation.gaps.map((g) => [g.policyItemId, g.problem, g.publishedDate, g.organisationName]).sort()).toEqual(
      [
        [item.i7, '未解读', '2025-10-01', '测试县教育局'],
        [item.i5, '未双向关联', '2025-11-05', '测试县教育局'],
      ].sort(),
    );
    expect(d.interpretation.gaps.find((g) => g.policyItemId === item.i7)!.indexNo).toMatch(/-i7$/);

    expect(d.backdated).toEqual([
      expect.objectContaining({
        itemId: item.i8,
        publishDate: '2025-11-01',
        firstPublishedDate: '2025-11-12',
        daysEarlier: 11,
        organisationName: '测试县教育局',
      }),
    ]);

    const ind = Object.fromEntries(d.indicators.map((i) => [i.id, [i.count, i.verdict]]));
    expect(ind).toEqual({
      'site.home': [0, 'pass'],
      'site.columns.ruled': [1, 'warn'],
      'site.columns.stale': [2, 'warn'],
      'site.columns.blank': [1, 'warn'],
      'site.backdated': [1, 'fail'],
      'site.interpretation': [2, 'fail'],
      'newmedia.stale': [2, 'fail'],
    });
    expect(d.verdict).toBe('fail');
    // one line per problem: 政务动态, 机构概况, wY, bY, i7, i5/i6, i8
    expect(d.problems).toHaveLength(7);
  });

  it('carries the month’s 通报: per organisation and report row, per account', async () => {
    const d = await get({ org: org.X, month: '2025-11' });
    const v = d.publications.values;
    expect([v[`org.${org.X}.total`], v[`org.${org.X}.portal`], v[`org.${org.X}.wechat`], v[`org.${org.X}.weibo`]]).toEqual([4, 3, 2, 0]);
    expect([v[`org.${org.Y}.total`], v[`org.${org.Y}.portal`], v[`org.${org.Y}.wechat`]]).toEqual([3, 0, 3]);
    expect(v['subtree.total']).toBe(7);
    expect(v[`acct.${acct.pX}.items`]).toBe(3);
    expect(v[`acct.${acct.wY}.days`]).toBe(18);
    expect(d.publications.period).toMatchObject({ from: '2025-11-01', to: '2025-11-30' });
  });

  it('limits everything to the organisation itself without the subtree', async () => {
    const d = await get({ org: org.X, month: '2025-11', subtree: 'false' });
    expect(d.accounts.map((a) => a.accountId)).toEqual([acct.wX]);
    expect(d.interpretation.total).toMatchObject({ policies: 1, interpreted: 1, linkedBothWays: 1 });
    expect(d.backdated).toEqual([]);
    expect(d.publications.values[`org.${org.X}.total`]).toBe(4);
    expect(d.publications.values[`org.${org.Y}.total`]).toBeUndefined();
    expect(Object.fromEntries(d.indicators.map((i) => [i.id, i.verdict]))).toMatchObject({
      'site.backdated': 'pass',
      'newmedia.stale': 'pass',
      'site.interpretation': 'pass',
    });
  });

  it('judges an earlier month as of its own last day (year + month form)', async () => {
    const d = await get({ org: org.X, year: '2025', month: '10' });
    expect(d.referenceDate).toBe('2025-10-31');
    // 政务动态 never published by then (i1 came on 11-10): blank; wY last 10-01 → 30 days
    expect(d.columns.find((c) => c.accountId === acct.pX && c.column === '政务动态')).toMatchObject({ empty: true });
    expect(d.accounts.find((a) => a.accountId === acct.wY)).toMatchObject({ lastPublishedDate: '2025-10-01', idleDays: 30, breach: true, monthItems: 1 });
    expect(d.backdated).toEqual([]);
    expect(d.publications.values['subtree.total']).toBe(1);
  });

  it('exports the XLSX laid out for sending upward, read back with exceljs', async () => {
    const r = await stat.get('/stats/self-check', { params: { org: org.X, month: '2025-11', format: 'xlsx' }, responseType: 'arraybuffer' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(decodeURIComponent(String(r.headers['content-disposition']))).toContain('自查表-sc-X-');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(r.data));
    const ws = wb.getWorksheet('自查表')!;
    const text = (row: number, col = 1) => {
      const v = ws.getCell(row, col).value;
      return v === null || v === undefined ? '' : String(v);
    };
    expect(text(1)).toBe('政府网站与政务新媒体月度自查表');
    expect(text(2)).toBe('（2025年11月）');
    expect(text(3)).toContain('国办秘函〔2019〕19号');
    expect(text(4)).toBe('填报单位（盖章）：测试县政务公开办（含下级单位）');
    expect(text(5)).toContain('检查时间点：2025年11月30日');
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    const find = (pred: (r: string[]) => boolean) => rows.find(pred);
    const titles = rows.map((r) => r[0]).filter((t) => /^[一二三四五六]、/.test(t));
    expect(titles.map((t) => t.slice(0, 2))).toEqual(['一、', '二、', '三、', '四、', '五、', '六、']);
    expect(find((r) => r[1] === '内容不更新')!.slice(4, 6)).toEqual(['2', '单项否决']);
    expect(find((r) => r[1] === '空白栏目')!.slice(4, 6)).toEqual(['1', '存在问题（未达否决标准）']);
    expect(find((r) => r[1] === '政策解读')!.slice(4, 6)).toEqual(['2', '扣分']);
    expect(find((r) => r[2] === '政务动态')!.slice(4, 8)).toEqual(['2025-11-10', '20', '1', '超过2周未更新']);
    expect(find((r) => r[2] === '机构概况')![7]).toBe('空白栏目');
    expect(find((r) => r[1] === '测试教育微博')![7]).toBe('从未发布');
    expect(find((r) => r[0] === '合计' && r.length >= 5)!.slice(1, 5)).toEqual(['3', '2', '66.7%', '1']);
    expect(find((r) => r[3] === '2025-11-01')!.slice(4, 6)).toEqual(['2025-11-12', '11']);
    // 六: the 通报 of the month
    const bulletinX = find((r) => r[0] === '测试县政务公开办' && r[1] === '4')!;
    expect(bulletinX.slice(1, 4)).toEqual(['4', '3', '2']);
    expect(find((r) => r[0].startsWith('合计（含下级单位'))![1]).toBe('7');
    // sign-off footer, as in the other exports
    expect(rows[rows.length - 2][0]).toMatch(/^单位负责人：.*审核人：.*填报人：/);
    expect(rows[rows.length - 1][0]).toMatch(/^联系电话：.*填报日期：/);

    const ps = wb.getWorksheet('问题清单')!;
    expect((ps.getRow(1).values as unknown[]).slice(1, 6)).toEqual(['序号', '单位', '检查对象', '问题', '依据']);
    expect(ps.rowCount).toBe(8);
    const problems = Array.from({ length: 7 }, (_, i) => String(ps.getCell(i + 2, 4).value));
    expect(problems.some((p) => p.includes('测试教育') && p.includes('2025-11-12'))).toBe(true);
    expect(problems.some((p) => p.includes('自查事项i8') && p.includes('2025-11-01'))).toBe(true);
  });

  it('refuses bad input with field details, a month not begun, and callers without the statistics permission', async () => {
    const bad = async (params: Record<string, string>, field: string) => {
      const r = await stat.get('/stats/self-check', { params });
      expect([r.status, r.data.details?.[0]?.field]).toEqual([400, field]);
      expect(r.data.message).toMatch(/[\u4e00-\u9fff]/);
    };
    await bad({ org: org.X }, 'month');
    await bad({ org: org.X, month: '2025-13' }, 'month');
    await bad({ org: org.X, month: '2025/11' }, 'month');
    await bad({ org: org.X, month: '2025-11', year: '2024' }, 'year');
    await bad({ org: org.X, month: '2999-01' }, 'month');
    await bad({ org: org.X, month: '2025-11', format: 'pdf' }, 'format');
    await bad({ org: org.X, month: '2025-11', subtree: 'maybe' }, 'subtree');
    await bad({ month: '2025-11' }, 'org');
    expect((await stat.get('/stats/self-check', { params: { org: randomUUID(), month: '2025-11' } })).status).toBe(404);
    expect((await editor.get('/stats/self-check', { params: { org: org.X, month: '2025-11' } })).status).toBe(403);
  });
});
