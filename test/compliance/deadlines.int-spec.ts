import { AxiosInstance } from 'axios';
import { fromDayNumber, shanghaiDate, toDayNumber } from '@app/compliance/deadlines/calendar-date';
import { WorkingCalendar } from '@app/compliance/deadlines/working-calendar';
import { CALENDAR_DIR } from '@app/compliance/testing/fixtures';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';
import { DeadlineJob } from '../../apps/worker/src/compliance/deadline.job';

const plusDays = (d: string, n: number) => fromDayNumber(toDayNumber(d) + n);

/**
 * The deadline and staleness report from the real publication ledger: a policy published to the
 * portal by the worker, judged for several fixed "today"s; 主动公开 items past 20 working days; an
 * idle new-media account and portal columns; the scope by organisation; the worker's scan history.
 */
describe('compliance deadlines', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let operator: AxiosInstance;
  let portal: string;
  let county: string;
  let dept: string;
  const cal = WorkingCalendar.fromDirectory(CALENDAR_DIR, { missingYear: 'weekends' });
  const today = shanghaiDate(new Date());
  let policyId: string;
  let pubDate: string;

  beforeAll(async () => {
    sys = await startTestSystem('compliance-deadlines');
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    operator = await sys.login('operator');
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    county = sys.seed.orgs['sfx'];
    dept = sys.seed.orgs['sfx-fgj'];
    await sys.ds.query(`UPDATE organisations SET settings = settings || $2::jsonb WHERE id = $1`, [
      county,
      JSON.stringify({
        portalColumns: [
          { name: '政策文件', periodDays: 7 },
          { name: '人事信息', periodDays: 30 },
        ],
      }),
    ]);
  });
  afterAll(async () => sys?.close());

  async function publish(body: Record<string, unknown>): Promise<{ id: string; publishedAt: Date }> {
    const c = await editor.post('/items', { organisationId: county, bodyHtml: '<p>正文。</p>', targetAccountIds: [portal], ...body });
    expect(c.status).toBe(201);
    expect((await editor.post(`/items/${c.data.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${c.data.id}/approve`, {})).status).toBe(200);
    const rows = await waitFor(
      async () => {
        const r = await sys.ds.query(`SELECT published_at FROM publication_records WHERE item_id = $1`, [c.data.id]);
        return r.length ? r : null;
      },
      20_000,
      'ledger row',
    );
    return { id: c.data.id, publishedAt: rows[0].published_at };
  }

  const report = async (q: string, who = operator) => {
    const r = await who.get(`/compliance/deadlines?${q}`);
    expect(r.status).toBe(200);
    return r.data;
  };

  it('lists a policy whose 政策解读 is due, then overdue after 3 working days, with its organisation', async () => {
    const p = await publish({ title: '示范县促进民营经济高质量发展若干措施', kind: 'normative', category: '政策文件' });
    policyId = p.id;
    pubDate = shanghaiDate(p.publishedAt);
    const due = cal.addWorkingDays(pubDate, 3);

    const onDay = await report(`today=${pubDate}`);
    expect(onDay.interpretations.find((x: { policyItemId: string }) => x.policyItemId === policyId)).toBeUndefined();
    expect(onDay.interpretationsDue.find((x: { policyItemId: string }) => x.policyItemId === policyId)).toMatchObject({
      status: 'due',
      dueDate: due,
      workingDaysLeft: 3,
      organisation: { id: county, code: 'sfx', name: '示范县人民政府' },
    });

    const later = cal.addWorkingDays(due, 2);
    const r = await report(`today=${later}&org=${county}`);
    expect(r.asOf).toBe(later);
    expect(r.organisation).toEqual({ id: county, code: 'sfx', name: '示范县人民政府' });
    const overdue = r.interpretations.find((x: { policyItemId: string }) => x.policyItemId === policyId);
    expect(overdue).toMatchObject({
      kind: 'interpretation',
      status: 'overdue',
      dueDate: due,
      workingDaysLate: 2,
      interpretationPublishedAt: null,
      policyTitle: '示范县促进民营经济高质量发展若干措施',
      organisation: { id: county },
    });
    expect(overdue.message).toContain('《示范县促进民营经济高质量发展若干措施》');
    expect(overdue.message).toContain('已超期2个工作日');
    // The day before the policy appeared nothing was due.
    const before = await report(`today=${plusDays(pubDate, -1)}`);
    expect(before.interpretationsDue.concat(before.interpretations).find((x: { policyItemId: string }) => x.policyItemId === policyId)).toBeUndefined();

    // Its interpretation, published (today, within the 3 working days) and linked: no longer listed.
    await publish({ title: '《示范县促进民营经济高质量发展若干措施》政策解读', kind: 'interpretation', policyItemId: policyId, category: '政策解读' });
    const after = await report(`today=${later}`);
    expect(after.interpretations.concat(after.interpretationsDue).find((x: { policyItemId: string }) => x.policyItemId === policyId)).toBeUndefined();
  });

  it('lists 主动公开 items not published within 20 working days of 成文日期', async () => {
    const old = cal.addWorkingDays(today, -25);
    const recent = cal.addWorkingDays(today, -5);
    const mk = async (title: string, writtenDate: string, disclosureAttr = '主动公开') =>
      (await editor.post('/items', { organisationId: dept, title, writtenDate, disclosureAttr, kind: 'notice', bodyHtml: '<p>正文。</p>' })).data.id as string;
    const late = await mk('关于调整部分行政事业性收费标准的通知', old);
    const fresh = await mk('关于开展消费券发放活动的通知', recent);
    const onRequest = await mk('关于某企业信息的答复', old, '依申请公开');
    const r = await report(`today=${today}`);
    const ids = r.disclosures.map((d: { itemId: string }) => d.itemId);
    expect(ids).toContain(late);
    expect(ids).not.toContain(fresh);
    expect(ids).not.toContain(onRequest);
    const d = r.disclosures.find((x: { itemId: string }) => x.itemId === late);
    expect(d).toMatchObject({
      status: 'overdue',
      writtenDate: old,
      dueDate: cal.addWorkingDays(old, 20),
      workingDaysLate: cal.workingDaysBetween(cal.addWorkingDays(old, 20), today),
      itemStatus: 'draft',
      organisation: { id: dept, code: 'sfx-fgj' },
    });
  });

  it('lists an idle new-media account and stale portal columns, and scopes by organisation', async () => {
    const since = new Date(Date.now() - 30 * 86400_000);
    const [idle] = await sys.ds.query(
      `INSERT INTO channel_accounts (organisation_id, channel_type, name, base_url, created_at) VALUES ($1, 'wechat', '示范县发改局（政务微信）', 'http://127.0.0.1:9', $2) RETURNING id`,
      [dept, since],
    );
    const [active] = await sys.ds.query(
      `INSERT INTO channel_accounts (organisation_id, channel_type, name, base_url, created_at) VALUES ($1, 'weibo', '示范县发改局（政务微博）', 'http://127.0.0.1:9', $2) RETURNING id`,
      [dept, since],
    );
    await sys.ds.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
       VALUES ($1, 1, $2, 'weibo', $3, now() - interval '3 days', 'notice', '其他', false, false, false)`,
      [policyId, dept, active.id],
    );
    const r = await report(`today=${today}`);
    const stale = r.staleAccounts.map((a: { accountId: string }) => a.accountId);
    expect(stale).toContain(idle.id);
    expect(stale).not.toContain(active.id);
    const a = r.staleAccounts.find((x: { accountId: string }) => x.accountId === idle.id);
    expect(a).toMatchObject({
      kind: 'stale-account',
      channelType: 'wechat',
      lastPublishedDate: null,
      maxIdleDays: 14,
      organisation: { id: dept, code: 'sfx-fgj' },
    });
    expect(a.idleDays).toBe(toDayNumber(today) - toDayNumber(since));
    expect(a.message).toContain('示范县发改局（政务微信）');

    // Portal columns configured on the county: 政策文件 every 7 days, 人事信息 every 30.
    const ten = await report(`today=${plusDays(pubDate, 10)}&org=${county}&subtree=false`);
    const cols = ten.staleColumns.map((c: { column: string }) => c.column);
    expect(cols).toEqual(['政策文件']);
    expect(ten.staleColumns[0]).toMatchObject({
      accountId: portal,
      periodDays: 7,
      configured: true,
      lastPublishedDate: pubDate,
      idleDays: 10,
      organisation: { id: county },
    });
    const month = await report(`today=${plusDays(pubDate, 31)}&org=${county}&subtree=false`);
    expect(month.staleColumns.map((c: { column: string }) => c.column).sort()).toEqual(['人事信息', '政策文件']);
    // The county alone (no subtree): the department's account is not in it; the department alone has no portal.
    expect(ten.staleAccounts).toEqual([]);
    const deptOnly = await report(`today=${today}&org=${dept}&subtree=false`);
    expect(deptOnly.staleAccounts.map((x: { accountId: string }) => x.accountId)).toEqual([idle.id]);
    expect(deptOnly.staleColumns).toEqual([]);
    expect(deptOnly.interpretations).toEqual([]);

    // Editors do not see this report; bad input is refused.
    expect((await editor.get('/compliance/deadlines')).status).toBe(403);
    const bad = await operator.get('/compliance/deadlines?today=2026-13-40');
    expect(bad.status).toBe(400);
    expect(bad.data.details[0].field).toBe('today');
  });

  it("keeps the worker's scan history: first seen, then resolved once the account publishes", async () => {
    const job = sys.worker!.get(DeadlineJob, { strict: false });
    job.clock = () => new Date(`${today}T12:00:00+08:00`);
    const first = await job.tick();
    expect(first.asOf).toBe(today);
    expect(first.opened).toBeGreaterThanOrEqual(2); // the idle account and the overdue 主动公开 item at least
    const [idle] = await sys.ds.query(`SELECT id FROM channel_accounts WHERE name = '示范县发改局（政务微信）'`);
    const open = await sys.ds.query(`SELECT kind, status, first_seen_at, resolved_at FROM compliance_deadline_alerts WHERE subject_key = $1`, [idle.id]);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'stale-account', status: 'stale', resolved_at: null });

    const r = await report(`today=${today}`);
    expect(r.staleAccounts.find((x: { accountId: string }) => x.accountId === idle.id).firstSeenAt).toBe(new Date(open[0].first_seen_at).toISOString());

    // A second run changes nothing; after the account publishes, the alert is resolved.
    expect((await job.tick()).opened).toBe(0);
    await sys.ds.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
       VALUES ($1, 1, $2, 'wechat', $3, now(), 'notice', '其他', false, false, false)`,
      [policyId, dept, idle.id],
    );
    const third = await job.tick();
    expect(third.resolved).toBeGreaterThanOrEqual(1);
    const rows = await sys.ds.query(`SELECT resolved_at FROM compliance_deadline_alerts WHERE subject_key = $1`, [idle.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].resolved_at).not.toBeNull();

    // On demand from the API, audited.
    const scan = await operator.post('/compliance/deadlines/scan', {});
    expect(scan.status).toBe(200);
    expect(scan.data).toMatchObject({ asOf: today, opened: 0 });
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'compliance.deadline_scan'`))[0].n).toBe(1);
    expect((await editor.post('/compliance/deadlines/scan', {})).status).toBe(403);
  });
});
