import type { AxiosInstance } from 'axios';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';
import { LedgerFixture } from './inspection-fixtures';

/**
 * Issue 16 point 8: reminders that escalate on the configured days (default day 10, 12 and 14 of the
 * two-week rule: the editor, the editor, then the office lead), each step once, through the in-console
 * notifications and the organisation's webhook (pushed by the worker to a loopback receiver).
 *
 * 示范县卫健委（政务微信）, last published Monday 2026-11-02 → compliant to 11/16, breach 11/17. Steps: day 10 = Thursday
 * 11/12; day 12 = Saturday 11/14, moved back to Friday 11/13; day 14 = Monday 11/16. Runs on 11/11 (nothing),
 * 11/12 (step 1, through the deadline scan), 11/12 again (nothing new), 11/13 (step 2), 11/14 (nothing new: the
 * step was sent on Friday), 11/16 (step 3: the editor and the lead), 11/16 again (nothing new).
 * The worker's own hourly scan is switched off (COMPLIANCE_CRON on 1 January) so only these runs send.
 */
describe('inspection reminders', () => {
  let sys: TestSystem;
  let operator: AxiosInstance;
  let admin: AxiosInstance;
  let account: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let server: http.Server;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sys = await startTestSystem('inspection-reminders', { overrides: { COMPLIANCE_CRON: '0 0 0 1 1 *' } });
    operator = await sys.login('operator');
    admin = await sys.login('admin');
    const wjw = sys.seed.orgs['sfx-wjw'];
    const fx = new LedgerFixture(sys.ds, sys.seed.users['editor']);
    account = await fx.account(wjw, 'wechat', '示范县卫健委（政务微信）', '2026-10-15T09:00:00+08:00');
    const item = await fx.item(wjw, '冬季流感防治知识问答', { category: '卫生健康' });
    await fx.publish(item, account, '2026-11-02T09:00:00+08:00');
    const port = (server.address() as AddressInfo).port;
    const put = await admin.put(`/organisations/${wjw}/notification-webhook`, {
      url: `http://127.0.0.1:${port}/notify`,
      secret: 'inspection-webhook-secret-01',
    });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await sys?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** Reminder rows of this account: [username, step] per notification, in step order. */
  const rows = async (): Promise<[string, number][]> =>
    (
      await sys.ds.query(
        `SELECT u.username, split_part(n.dedupe_key, ':', 4)::int AS step FROM notifications n JOIN users u ON u.id = n.user_id
          WHERE n.dedupe_key LIKE $1 ORDER BY step, u.username`,
        [`inspection:${account}:%`],
      )
    ).map((r: { username: string; step: number }) => [r.username, r.step]);
  const remind = async (today: string) => {
    const r = await operator.post('/compliance/inspection/remind', { today });
    expect(r.status).toBe(200);
    expect(r.data.asOf).toBe(today);
    return r.data;
  };

  it('sends each step once, on its (working) day, to the editor and then the lead, and pushes a copy to the webhook', async () => {
    await remind('2026-11-11');
    expect(await rows()).toEqual([]);

    // the hourly deadline scan sends them too
    const scan = await operator.post('/compliance/deadlines/scan', { today: '2026-11-12' });
    expect(scan.status).toBe(200);
    expect(await rows()).toEqual([['editor', 1]]);
    await remind('2026-11-12');
    expect(await rows()).toEqual([['editor', 1]]);

    await remind('2026-11-13');
    expect(await rows()).toEqual([
      ['editor', 1],
      ['editor', 2],
    ]);
    await remind('2026-11-14');
    expect(await rows()).toHaveLength(2);

    await remind('2026-11-16');
    const again = await remind('2026-11-16');
    expect(await rows()).toEqual([
      ['editor', 1],
      ['editor', 2],
      ['editor', 3],
      ['reviewer_lead', 3],
    ]);
    expect(again.due).toBeGreaterThanOrEqual(1);

    const [lead] = await sys.ds.query(
      `SELECT n.kind, n.title, n.body, n.link, n.webhook_state FROM notifications n JOIN users u ON u.id = n.user_id
        WHERE u.username = 'reviewer_lead' AND n.dedupe_key LIKE $1`,
      [`inspection:${account}:%`],
    );
    expect(lead).toMatchObject({
      kind: 'deadline',
      title: '【升级提醒】政务新媒体账号“示范县卫健委（政务微信）”将于 11月17日 超期',
      link: `/inspection?org=${sys.seed.orgs['sfx-wjw']}`,
    });
    expect(lead.body).toContain('第3次提醒（第14天，已同时告知负责人）');
    expect(lead.body).toContain('国办秘函〔2019〕19号');

    // the worker pushes each copy to the organisation's webhook, signed
    await waitFor(async () => received.filter((r) => r.body.includes('示范县卫健委（政务微信）')).length >= 4, 20_000, 'four webhook copies');
    const copies = received.filter((r) => r.body.includes('示范县卫健委（政务微信）'));
    expect(copies.every((c) => String(c.headers['x-gd-signature']).startsWith('sha256='))).toBe(true);
    expect(copies.filter((c) => c.body.includes('升级提醒'))).toHaveLength(2);
  });

  it('starts the steps again after a new publication', async () => {
    const fx = new LedgerFixture(sys.ds, sys.seed.users['editor']);
    const item = await fx.item(sys.seed.orgs['sfx-wjw'], '流感疫苗接种点公布', { category: '卫生健康' });
    await fx.publish(item, account, '2026-11-16T15:00:00+08:00');
    // next breach 12/1; day 10 = Thursday 11/26
    await remind('2026-11-25');
    expect(await rows()).toHaveLength(4);
    await remind('2026-11-26');
    expect((await rows()).filter(([u, s]) => u === 'editor' && s === 1)).toHaveLength(2);
  });
  it("follows the organisation's own steps (day 7 the staff, day 13 the lead; Sunday 11/15 moved back to Friday 11/13)", async () => {
    const cgz = sys.seed.orgs['sfx-cgz'];
    await sys.ds.query(`UPDATE organisations SET settings = settings || $2::jsonb WHERE id = $1`, [
      cgz,
      JSON.stringify({
        inspectionReminders: [
          { day: 13, to: 'lead' },
          { day: 7, to: 'staff' },
          { day: 99, to: 'nobody' },
        ],
      }),
    ]);
    const fx = new LedgerFixture(sys.ds, sys.seed.users['editor']);
    const own = await fx.account(cgz, 'weibo', '城关镇（政务微博）', '2026-10-15T09:00:00+08:00');
    const item = await fx.item(cgz, '城关镇冬季防火提示', { category: '综合政务' });
    await fx.publish(item, own, '2026-11-02T09:00:00+08:00');
    const mine = async () =>
      (
        await sys.ds.query(
          `SELECT u.username, split_part(n.dedupe_key, ':', 4)::int AS step FROM notifications n JOIN users u ON u.id = n.user_id
            WHERE n.dedupe_key LIKE $1 ORDER BY step, u.username`,
          [`inspection:${own}:%`],
        )
      ).map((r: { username: string; step: number }) => [r.username, r.step]);
    await remind('2026-11-08');
    expect(await mine()).toEqual([]);
    await remind('2026-11-09');
    expect(await mine()).toEqual([['editor', 1]]);
    await remind('2026-11-13');
    expect(await mine()).toEqual([
      ['editor', 1],
      ['editor', 2],
      ['reviewer_lead', 2],
    ]);
  });
});
