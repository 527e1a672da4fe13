import type { AxiosInstance } from 'axios';
import * as fs from 'fs';
import type { Browser, Page } from 'playwright-core';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { registerDemoLedScreens } from '@app/channels/led/led-sim-setup';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, signIn, SHOTS } from './browser';
import { latinWords } from './latin-words';
import { allowDialogs, pageReady, slugOf, trackRequests } from './walk-helpers';

/**
 * Issue 15.9: everything a user reads is Chinese. Each demo user (editor, reviewer, operator,
 * statistician, admin) signs in and opens every entry of the navigation and every tab on each page, an
 * item page, the editor with its channel previews, a delivery's detail and the statistics drill-down; the
 * visible text (document.body.innerText) of each must hold no word in Latin letters outside the short
 * allow-list of latin-words.ts. The data the pages show is real: items in every state the server gives
 * them, delivered to the channel simulators. A screenshot of each role and page goes to
 * test-results/console/<role>-<page>.png.
 */
const run = chromiumAvailable() ? describe : describe.skip;

const ROLES = ['editor', 'reviewer', 'operator', 'statistician', 'admin'] as const;

run('the console speaks Chinese on every page, for every role', () => {
  let sim: ChannelSim;
  let sys: TestSystem;
  let browser: Browser;
  let usernames: string[] = [];
  const ids = { published: '', submitted: '', draft: '', failed: '', rejected: '' };
  const problems: string[] = [];
  const visited: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sim = await startChannelSim();
    await registerDemoLedScreens(sim.url);
    sys = await startTestSystem('console-walk', { simUrl: sim.url });
    ({ browser } = await launch());
    const [editor, reviewer, admin] = await Promise.all(['editor', 'reviewer', 'admin'].map((u) => sys.login(u)));
    const all = Object.values(sys.seed.accounts);
    // a WeChat 群发 account sends once a day: the items after the first leave it out
    const allButMass = Object.entries(sys.seed.accounts)
      .filter(([k]) => !k.includes('群发'))
      .map(([, v]) => v);
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const item = async (api: AxiosInstance, title: string, targets: string[]) => {
      const r = await api.post('/items', {
        organisationId: sys.seed.orgs['sfx'],
        title,
        summary: '做好今冬明春供暖保障，确保群众温暖过冬。',
        bodyHtml: '<p>各乡镇人民政府、县直各部门：</p><p>为切实做好今冬明春供暖保障工作，现将有关事项通知如下。</p>',
        docNo: '示政办发〔2026〕12号',
        writtenDate: '2026-11-10',
        category: '城乡建设、环境保护',
        kind: 'normative',
        targetAccountIds: targets,
      });
      if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.data)}`);
      return r.data.id as string;
    };
    const submit = async (id: string) => {
      const r = await editor.post(`/items/${id}/submit`);
      if (r.status !== 200) throw new Error(`submit: ${r.status} ${JSON.stringify(r.data)}`);
    };
    // Published on every demo channel (the gazette waits for its issue; the rest go out to the simulators).
    ids.published = await item(editor, '关于做好冬季供暖保障工作的通知', all);
    await submit(ids.published);
    expect((await reviewer.post(`/items/${ids.published}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密，同意公开' })).status).toBe(200);
    // Waiting for review, with previews for the reviewer; a draft with previews for the editor.
    ids.submitted = await item(editor, '关于调整城区公交线路的公告', allButMass);
    await submit(ids.submitted);
    ids.draft = await item(editor, '关于开展春季植树活动的通知', allButMass);
    // Sent back to its author (a notification for the editor).
    ids.rejected = await item(editor, '关于做好防汛值班工作的通知', [portal]);
    await submit(ids.rejected);
    expect((await reviewer.post(`/items/${ids.rejected}/reject`, { reason: '请补充值班电话' })).status).toBe(200);
    // The portal's publication is in the ledger: the statistics have a figure to drill into.
    await waitFor(
      async () => (await sys.ds.query(`SELECT 1 FROM publication_records WHERE item_id = $1`, [ids.published])).length > 0,
      60_000,
      'the portal publication counted',
    );
    // One refused by the platform (Weibo answers 20021, content refused): 发布异常 and a failed delivery's detail.
    const weibo = Object.entries(sys.seed.accounts).find(([k]) => k.startsWith('weibo:'))![1];
    await waitFor(
      async () =>
        (await sys.ds.query(`SELECT 1 FROM deliveries WHERE item_id = $1 AND channel_account_id = $2 AND state = 'published'`, [ids.published, weibo])).length >
        0,
      60_000,
      'the Weibo post of the published item',
    );
    sim.faults.add({ system: 'weibo', path: '/2/statuses/share.json', error: 20021 });
    ids.failed = await item(editor, '关于城区部分路段临时交通管制的通告', [weibo]);
    await submit(ids.failed);
    expect((await reviewer.post(`/items/${ids.failed}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密，同意公开' })).status).toBe(200);
    await waitFor(
      async () => (await sys.ds.query(`SELECT 1 FROM deliveries WHERE item_id = $1 AND state = 'failed'`, [ids.failed])).length > 0,
      60_000,
      'the refused Weibo post failed',
    );
    // identifiers typed in Latin letters: sign-in names and organisation codes (the 索引号's prefix)
    usernames = [
      ...((await admin.get('/users')).data as { username: string }[]).map((u) => u.username),
      ...((await admin.get('/organisations')).data as { code: string }[]).map((o) => o.code),
    ];
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
    await sim?.close();
    console.log(`pages walked: ${visited.length}\n${visited.join('\n')}`);
  });

  const heading = (page: Page) => page.evaluate(() => document.querySelector('main h1')?.textContent ?? '');

  /** Checks the page's visible text and saves its screenshot. */
  async function check(page: Page, role: string, wanted: string) {
    let name = wanted;
    for (let n = 2; visited.some((v) => v.split('  ')[0] === `${role}-${name}`); n++) name = `${wanted}-${n}`;
    await pageReady(page);
    const text = await page.evaluate(() => document.body.innerText);
    const words = latinWords(text, usernames);
    if (words.length) problems.push(`${role}-${name}: ${words.join(' ')}`);
    visited.push(`${role}-${name}${words.length ? `  ✕ ${words.join(' ')}` : ''}`);
    await page.screenshot({ path: `${SHOTS}/${role}-${name}.png`, fullPage: true });
  }

  /** The page, then each tab of each tab list on it (its panel replaced by the tab's). */
  async function walkPage(page: Page, role: string, name: string) {
    await check(page, role, name);
    const lists = page.locator('main [role=tablist]');
    const nLists = await lists.count();
    for (let l = 0; l < nLists; l++) {
      const tabs = lists.nth(l).getByRole('tab');
      const n = await tabs.count();
      for (let i = 0; i < n; i++) {
        const tab = lists.nth(l).getByRole('tab').nth(i);
        if ((await tab.getAttribute('aria-selected')) === 'true' && i === 0) continue;
        const label = (await tab.innerText()).trim();
        await tab.click();
        await check(page, role, `${name}-${slugOf(label, `tab${l + 1}-${i + 1}`)}`);
      }
    }
  }

  for (const role of ROLES) {
    it(`${role}: every navigation entry, every tab, an item, and the role's own pages`, async () => {
      const s = await newPage(browser);
      trackRequests(s.page);
      allowDialogs(s.page, s.errors);
      await signIn(s.page, sys.url, role, TEST_PASSWORD);
      const page = s.page;
      // the main navigation, the work counts beside it (待审核, 发布异常 …) and 通知
      const links = page.locator('header nav a[href^="/"], header a[data-testid=notifications-link]');
      const entries = [...new Map(await links.evaluateAll((as) => as.map((a) => [a.getAttribute('href') ?? '', a.textContent ?? '']))).entries()].map(
        ([href, label]) => [label, href],
      );
      expect(entries.length).toBeGreaterThan(2);
      for (const [label, href] of entries) {
        const here = new URL(page.url());
        const before = await heading(page);
        await page.locator('header').locator(`a[href="${href}"]`).first().click();
        await page.waitForURL((u) => u.pathname + u.search === href || u.pathname === href);
        // a page in a chunk not loaded yet: the old page stays until the new one renders its heading
        if (here.pathname !== href.split('?')[0]) await page.waitForFunction((h) => (document.querySelector('main h1')?.textContent ?? '') !== h, before);
        const [path, query] = href.split('?');
        // a work count opens a page already walked at one of its tabs: that view is checked, its tabs were walked
        if (query) await check(page, role, `${slugOf(path, label)}-${new URLSearchParams(query).get('tab') ?? 'view'}`);
        else await walkPage(page, role, slugOf(path, label));
      }
      // An item every role may read: published on every channel, with its deliveries and history.
      await page.goto(`${sys.url}/items/${ids.published}`);
      await page.getByRole('heading', { name: '关于做好冬季供暖保障工作的通知' }).waitFor();
      await walkPage(page, role, 'item');
      if (role === 'editor') {
        await page.goto(`${sys.url}/items/${ids.draft}/edit`);
        await page.getByTestId('previews').waitFor();
        await walkPage(page, role, 'edit-draft');
      }
      if (role === 'reviewer') {
        await page.goto(`${sys.url}/items/${ids.submitted}`);
        await page.getByTestId('review-panel').waitFor();
        await walkPage(page, role, 'item-review');
      }
      if (role === 'operator' || role === 'admin') {
        await page.goto(`${sys.url}/monitor`);
        for (const [id, name] of [
          [ids.published, 'delivery'],
          [ids.failed, 'delivery-failed'],
        ]) {
          await page.locator(`[data-testid=matrix] tr[data-item="${id}"] button[data-state]`).first().click();
          await page
            .getByTestId('delivery-detail')
            .getByRole('heading', { name: new RegExp(id === ids.failed ? '临时交通管制' : '冬季供暖') })
            .waitFor();
          await page.getByTestId('delivery-events').locator('li').first().waitFor();
          await check(page, role, name);
        }
      }
      if (role === 'statistician' || role === 'admin') {
        await page.goto(`${sys.url}/stats`);
        await page.locator('[data-drill]').first().click();
        await page.getByTestId('drill-panel').getByRole('link').first().waitFor();
        await check(page, role, 'stats-drill');
      }
      if (role === 'statistician') {
        // A refused manual entry names its cell by the report's own words, not by `entries.t2.license.decisions`.
        await page.locator('#s-tpl').selectOption('gov-2021');
        await page.getByRole('button', { name: '填报手工数据' }).click();
        await page.locator('[data-cell-input="t2.license.decisions"]').fill('很多');
        await page.getByRole('button', { name: '保存填报' }).click();
        const banner = page.getByTestId('error-banner');
        await banner.waitFor();
        const text = await banner.innerText();
        expect(text).toContain('行政许可');
        expect(text).toContain('必须是非负整数');
        expect(text).not.toMatch(/entries|t2\.|VALIDATION/);
        await check(page, role, 'stats-manual-error');
        const stats = await sys.login('statistician');
        const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
        const report = (await stats.get(`/stats/reports/gov-2021?org=${sys.seed.orgs['sfx']}&year=${year}`)).data;
        expect(report.values['t2.license.decisions']).toBeNull();
      }
      expect(s.errors).toEqual([]);
      await s.ctx.close();
      expect(problems.filter((p) => p.startsWith(`${role}-`))).toEqual([]);
    }, 240_000);
  }

  it('walked every role through its pages', () => {
    for (const role of ROLES) expect(visited.filter((v) => v.startsWith(`${role}-`)).length).toBeGreaterThan(3);
  });
});
