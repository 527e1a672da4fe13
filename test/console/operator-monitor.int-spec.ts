import type { AxiosInstance } from 'axios';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { TESTCHAN_DEFAULTS } from '@app/channel-sim/testchan/testchan.sim';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { createTestchanAccount, deliveriesOf, deliveryFor, ledgerOf, publishItem, waitSettled } from '@app/test/engine/engine-helpers';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * Issue 15, point 6, in a real browser against the whole system and the channel simulators: each
 * account's state on the monitor's accounts tab and in a delivery's detail (已暂停 with the platform's
 * reason and when it resumes, 限流中 until when) with each delivery's next attempt; an item whose only
 * deliveries were cancelled reaching 未发布（渠道已取消）and counted nowhere; 批量重试 with each retry audited
 * and the refusals listed per delivery; the gazette issue's page previewed before it is published.
 * Every step checks the page and what the server holds. Screenshots: test-results/console/.
 */
const run = chromiumAvailable() ? describe : describe.skip;

interface Session {
  ctx: BrowserContext;
  page: Page;
  errors: string[];
}

run('operator monitor', () => {
  let sim: ChannelSim;
  let sys: TestSystem;
  let browser: Browser;
  let editorApi: AxiosInstance;
  let reviewerApi: AxiosInstance;
  let operatorApi: AxiosInstance;
  let statApi: AxiosInstance;
  let county = '';
  let gazette = '';
  const open: Session[] = [];
  const stamp = Date.now() % 100000;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sim = await startChannelSim();
    sys = await startTestSystem('operator-monitor', { simUrl: sim.url });
    ({ browser } = await launch());
    [editorApi, reviewerApi, operatorApi, statApi] = await Promise.all(['editor', 'reviewer', 'operator', 'statistician'].map((u) => sys.login(u)));
    county = sys.seed.orgs['sfx'];
    gazette = sys.seed.accounts['gazette:示范县人民政府公报'];
  }, 180_000);

  afterEach(async () => {
    sim.faults.clear();
    sim.testchan.configure({ postsPerMinute: TESTCHAN_DEFAULTS.postsPerMinute });
    sim.clock.reset();
    for (const s of open.splice(0)) await s.ctx.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
    await sim?.close();
  });

  /** A signed-in operator page; a browser dialog fails the test unless `accept` says it is expected. */
  async function session(username = 'operator', accept?: RegExp): Promise<Session> {
    const s = await newPage(browser);
    open.push(s);
    s.page.on('dialog', (d) => {
      if (accept?.test(d.message())) return void d.accept();
      s.errors.push(`unexpected dialog: ${d.message()}`);
      void d.dismiss();
    });
    await signIn(s.page, sys.url, username, TEST_PASSWORD);
    return s;
  }

  const users = () => ({ editor: editorApi, reviewer: reviewerApi });
  const operatorAccount = async (id: string) =>
    ((await operatorApi.get('/operator/accounts')).data as { id: string }[]).find((a) => a.id === id) as Record<string, unknown>;
  const accountRow = (page: Page, name: string) => page.locator('table tr', { has: page.getByRole('rowheader', { name, exact: true }) });

  it('shows each account’s state (已暂停 with reason and resume time, 限流中 until when) and each delivery’s next attempt', async () => {
    // Paused: the platform allows one post a minute and answers the second with 429 and its window. The
    // first post lands ten minutes ahead on the platform's clock, so the window lasts the whole test.
    sim.testchan.configure({ postsPerMinute: 1 });
    const pTok = `mon-p-${stamp}`;
    const paused = await createTestchanAccount(sys, sim.url, '限流平台测试号', pTok);
    sim.clock.advance(10 * 60_000);
    const first = await publishItem(sys, [paused], {}, users());
    expect((await waitSettled(sys, first))[0].state).toBe('published');
    sim.clock.reset();
    const second = await publishItem(sys, [paused], {}, users());
    const waiting = (await waitFor(
      async () => {
        const d = (await deliveryFor(sys, second, paused)) as unknown as {
          id: string;
          state: string;
          last_error_code: string | null;
          next_attempt_at: Date | null;
        };
        return d?.state === 'pending' && d.last_error_code === 'rate_limited' && d.next_attempt_at ? d : null;
      },
      20_000,
      'the second post held back by the platform',
    ))!;
    const p = await until(
      () => operatorAccount(paused),
      (a) => a.state === 'paused',
      'the account paused',
    );
    expect(String(p.pauseReason)).toContain('限流');
    expect(Date.parse(String(p.resumesAt))).toBeGreaterThan(Date.now());

    // Rate limited: the account's own limit (one call in ten minutes) is used up by the first post.
    const rTok = `mon-r-${stamp}`;
    const limited = await createTestchanAccount(sys, sim.url, '频率上限测试号', rTok, { rateLimit: { max: 1, durationMs: 600_000 } });
    const r1 = await publishItem(sys, [limited], {}, users());
    expect((await waitSettled(sys, r1))[0].state).toBe('published');
    const r2 = await publishItem(sys, [limited], {}, users());
    const r = await until(
      () => operatorAccount(limited),
      (a) => a.state === 'rate_limited',
      'the account rate limited',
    );
    const until10 = Date.parse(String(r.rateLimitedUntil));
    expect(until10).toBeGreaterThan(Date.now());
    expect(until10).toBeLessThanOrEqual(Date.now() + 600_000);
    expect((await deliveryFor(sys, r2, limited)).state).toBe('pending');
    expect(sim.records.list({ system: 'testchan', account: rTok })).toHaveLength(1);
    const active = await operatorAccount(sys.seed.accounts['portal:示范县人民政府门户网站']);
    expect(active.state).toBe('active');

    const { page, errors } = await session();
    await nav(page).click();
    await page.getByRole('tab', { name: /^账号状态/ }).click();
    const pr = accountRow(page, '限流平台测试号').getByTestId('account-state');
    await pr.and(page.locator('[data-state=paused]')).waitFor();
    expect(await pr.innerText()).toContain('已暂停');
    expect(await pr.innerText()).toContain(String(p.pauseReason));
    expect(await pr.getByTestId('account-resumes').innerText()).toMatch(/^预计 \d{1,2}月\d{1,2}日 \d\d:\d\d 恢复$/);
    const rr = accountRow(page, '频率上限测试号').getByTestId('account-state');
    await rr.and(page.locator('[data-state=rate_limited]')).waitFor();
    expect(await rr.innerText()).toContain('限流中');
    expect(await rr.getByTestId('account-rate-limited').innerText()).toBe(
      `已达到本账号的发送频率上限，预计 ${beijingTime(String(r.rateLimitedUntil))} 继续发送`,
    );
    expect(await accountRow(page, '示范县人民政府门户网站').getByTestId('account-state').innerText()).toBe('正常');
    await shot(page, 'operator-monitor-accounts');

    // The waiting delivery: its cell says when it is tried next; its detail shows the account's state and that time.
    await page.getByRole('tab', { name: '发布矩阵' }).click();
    const cell = page.locator(`[data-testid=matrix] tr[data-item="${second}"] button[data-delivery="${waiting.id}"]`);
    await cell.getByTestId('cell-next-attempt').waitFor();
    await cell.click();
    const detail = page.getByTestId('delivery-detail');
    await detail.getByTestId('delivery-account-state').locator('[data-state=paused]').waitFor();
    expect(await detail.getByTestId('next-attempt').locator('dd').innerText()).toBe(beijing(waiting.next_attempt_at!));
    await shot(page, 'operator-monitor-delivery-paused');
    await detail.getByRole('button', { name: '关闭' }).click();
    const r2d = (await deliveryFor(sys, r2, limited)).id;
    await page.locator(`[data-testid=matrix] button[data-delivery="${r2d}"]`).click();
    await detail.getByTestId('delivery-account-state').locator('[data-state=rate_limited]').waitFor();
    expect(errors).toEqual([]);
  }, 240_000);

  it('an item whose only deliveries were cancelled becomes 未发布（渠道已取消）, counted nowhere; sending one again publishes it', async () => {
    const tokA = `np-a-${stamp}`;
    const tokB = `np-b-${stamp}`;
    const a = await createTestchanAccount(sys, sim.url, '取消测试甲号', tokA);
    const b = await createTestchanAccount(sys, sim.url, '取消测试乙号', tokB);
    for (const account of [tokA, tokB]) sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account, error: 'bad_request' });
    const year = new Date().getFullYear();
    const stats = async () => {
      const r = (await statApi.get('/stats/channel-counts', { params: { org: county, year, source: 'ledger' } })).data;
      return JSON.stringify([r.total, r.byAccount, r.byKind, r.byCategory]);
    };
    const before = await stats();
    const title = `关于第${stamp}期农产品展销会延期举办的通知`;
    const id = await publishItem(sys, [a, b], { title }, users());
    expect((await waitSettled(sys, id)).map((d) => d.state)).toEqual(['failed', 'failed']);
    const [da, db] = [(await deliveryFor(sys, id, a)).id, (await deliveryFor(sys, id, b)).id];
    const status = async () => (await editorApi.get(`/items/${id}`)).data.status as string;

    // One of two cancelled: the other may still go out, the item stays 已审核.
    expect((await operatorApi.post(`/deliveries/${da}/cancel`, { reason: '该账号停止使用' })).status).toBe(200);
    expect(await status()).toBe('approved');

    // The last one, in the console: the item says what happened.
    const { page, errors } = await session();
    await nav(page).click();
    await page.locator(`[data-testid=matrix] button[data-delivery="${db}"]`).click();
    const detail = page.getByTestId('delivery-detail');
    await detail.getByRole('button', { name: '取消发布' }).click();
    await detail.getByLabel('取消原因').fill('活动延期，不再发布');
    await detail.getByRole('button', { name: '确认取消' }).click();
    await detail.getByRole('status').filter({ hasText: '已取消该渠道的发布' }).waitFor();
    expect(await status()).toBe('not_published');
    expect((await deliveriesOf(sys, id)).map((d) => d.state)).toEqual(['cancelled', 'cancelled']);
    expect(await ledgerOf(sys, id)).toEqual([]);
    expect(await stats()).toBe(before);
    const audit = (await operatorApi.get(`/items/${id}/audit`)).data as { action: string; actorName: string }[];
    expect(audit.filter((x) => x.action === 'item.not_published').map((x) => x.actorName)).toEqual(['operator']);
    await page.goto(`${sys.url}/items/${id}`);
    await page.locator('.page-head [data-status=not_published]').getByText('未发布（渠道已取消）').waitFor();
    await page.getByTestId('not-published-note').waitFor();
    await page.getByTestId('audit').getByText('各渠道发布均已取消，未发布').waitFor();
    await shot(page, 'operator-item-not-published');
    // Not counted as waiting work either.
    const counts = (await operatorApi.get('/me/work-counts')).data;
    const failedInDb = (
      await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries d JOIN items i ON i.id = d.item_id WHERE d.state = 'failed' AND i.status <> 'withdrawn'`)
    )[0].n;
    expect(counts.failed).toBe(failedInDb);

    // The platform is back: sending one again approves the item again, and it is published.
    sim.faults.clear();
    await page.goto(`${sys.url}/monitor?delivery=${db}`);
    await detail.getByRole('button', { name: '重试' }).click();
    await detail.getByRole('status').filter({ hasText: '已重新开始发送' }).waitFor();
    await waitSettled(sys, id, 30_000, (ds) => ds.some((d) => d.state === 'published'));
    await until(status, (s) => s === 'published', 'the item published');
    expect((await ledgerOf(sys, id)).map((l) => l.delivery_id)).toEqual([db]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('批量重试: each selected delivery retried on its own and audited; those refused are listed with the reason', async () => {
    const toks = [`br-1-${stamp}`, `br-2-${stamp}`, `br-3-${stamp}`];
    const names = ['批量重试一号', '批量重试二号', '批量重试三号'];
    const accs: string[] = [];
    for (let i = 0; i < 3; i++) accs.push(await createTestchanAccount(sys, sim.url, names[i], toks[i]));
    // each platform refuses the first post only
    for (const account of toks) sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account, error: 'bad_request', count: 1 });
    const items: string[] = [];
    for (const acc of accs) items.push(await publishItem(sys, [acc], { title: `关于第${stamp}期批量重试测试${items.length + 1}的公告` }, users()));
    for (const i of items) expect((await waitSettled(sys, i))[0].state).toBe('failed');
    const ds = await Promise.all(items.map((i, k) => deliveryFor(sys, i, accs[k])));
    // the third account was stopped meanwhile (its credentials expired): its delivery cannot be sent again yet
    await sys.ds.query(`UPDATE channel_accounts SET status = 'needs_attention', status_reason = '凭据已过期' WHERE id = $1`, [accs[2]]);

    const { page, errors } = await session();
    await page.goto(`${sys.url}/monitor?tab=problems&state=failed`);
    const table = page.getByTestId('problems');
    for (const d of ds) await table.locator(`tr[data-delivery="${d.id}"]`).waitFor();
    for (const d of ds) await table.locator(`tr[data-delivery="${d.id}"] input[type=checkbox]`).check();
    await page.getByTestId('bulk-retry').filter({ hasText: '批量重试（已选 3 个）' }).click();
    const results = page.getByTestId('bulk-results');
    await results.waitFor();
    expect(await results.locator('p').innerText()).toBe('已重试 2 个，1 个未能重试：');
    const refused = results.locator(`li[data-delivery="${ds[2].id}"]`);
    expect(await refused.innerText()).toContain('批量重试三号');
    expect(await refused.innerText()).toContain('已暂停');
    expect(await results.locator('li').count()).toBe(1);
    await shot(page, 'operator-bulk-retry');

    // The server: the two went out, each with its own audit row; the third is untouched.
    for (const i of items.slice(0, 2)) expect((await waitSettled(sys, i, 30_000, (x) => x[0].state === 'published'))[0].state).toBe('published');
    expect((await deliveryFor(sys, items[2], accs[2])).state).toBe('failed');
    const audit: { entity_id: string; actor_id: string }[] = await sys.ds.query(
      `SELECT entity_id, actor_id FROM audit_logs WHERE action = 'delivery.retry' AND entity_id = ANY($1)`,
      [ds.map((d) => d.id)],
    );
    expect(audit.map((x) => x.entity_id).sort()).toEqual([ds[0].id, ds[1].id].sort());
    expect(new Set(audit.map((x) => x.actor_id))).toEqual(new Set([sys.seed.users['operator']]));
    // the list now holds only the refused one
    await until(
      () => table.locator('tr[data-delivery]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-delivery'))),
      (v) => v.includes(ds[2].id) && !v.includes(ds[0].id) && !v.includes(ds[1].id),
      'the retried deliveries leave the list',
    );
    expect(errors).toEqual([]);
  }, 240_000);

  it('previews the compiled gazette issue’s page before publishing it, naming what publication will drop', async () => {
    let n = 0;
    const gz = async (title: string) =>
      publishItem(
        sys,
        [gazette],
        { title, kind: 'normative', docNo: `示政发〔2026〕${(stamp % 500) + ++n}号`, writtenDate: `2026-03-1${n}`, category: '城乡建设' },
        users(),
      );
    const t1 = `示范县城区停车管理办法（${stamp}）`;
    const t2 = `示范县农村饮水安全管理办法（${stamp}）`;
    const i1 = await gz(t1);
    const i2 = await gz(t2);
    for (const i of [i1, i2]) await waitFor(async () => (await deliveryFor(sys, i, gazette))?.state === 'awaiting_issue', 20_000, 'waiting for the issue');

    const { page, errors } = await session('operator', /出版后.*不能再更改/);
    await nav(page).click();
    await page.getByRole('tab', { name: '政府公报' }).click();
    await page.getByTestId('gazette-compile').click();
    await page.getByTestId('gazette-notice').waitFor();
    const issues = (await operatorApi.get(`/gazette/${gazette}/issues`)).data as { id: string; status: string; label: string }[];
    const issue = issues.find((x) => x.status === 'compiled')!;
    const section = page.locator(`section[data-issue="${issue.id}"]`);
    await section.getByRole('button', { name: '版面预览' }).click();
    const frame = section.getByTestId('gazette-preview-frame');
    await frame.waitFor();
    const doc = frame.contentFrame();
    await doc.getByRole('heading', { name: t1 }).waitFor();
    await doc.getByRole('heading', { name: t2 }).waitFor();
    await doc.getByText(`预览：${issue.label}尚未出版`).waitFor();
    const preview = (await operatorApi.get(`/gazette/issues/${issue.id}/preview`)).data;
    expect(preview).toMatchObject({ issueId: issue.id, status: 'compiled', articleCount: 2, dropped: [] });
    expect(preview.html).toContain(t1);
    await shot(page, 'operator-gazette-preview');

    // One item is withdrawn before publication: the preview names it as dropped; publication leaves it out.
    expect((await reviewerApi.post(`/items/${i2}/withdraw`, { reason: '文件暂缓印发' })).status).toBe(200);
    await section.getByRole('button', { name: '收起预览' }).click();
    await section.getByRole('button', { name: '版面预览' }).click();
    await section.getByTestId('gazette-preview-dropped').getByText(`《${t2}》`).waitFor();
    expect((await operatorApi.get(`/gazette/issues/${issue.id}/preview`)).data.dropped).toEqual([t2]);
    await section.getByTestId('gazette-publish').click();
    await page.getByTestId('gazette-notice').filter({ hasText: '已出版' }).waitFor();
    expect((await operatorApi.get(`/gazette/issues/${issue.id}`)).data.status).toBe('published');
    expect((await deliveryFor(sys, i1, gazette)).state).toBe('published');
    expect((await deliveryFor(sys, i2, gazette)).state).toBe('cancelled');
    expect(errors).toEqual([]);
  }, 240_000);
});

function nav(page: Page) {
  return page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发布监控', exact: true });
}

/** As the console prints a time (fmtTime). */
function beijing(d: Date | string): string {
  return new Date(d).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** As the accounts tab prints a rate window's end (fmtBeijingTime). */
function beijingTime(iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
}

/** Polls `get` until `ok` holds; the error names the last value seen. */
async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  let last: T | undefined;
  try {
    await waitFor(async () => ok((last = await get())), timeoutMs, what);
  } catch {
    throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
  }
  return last as T;
}
