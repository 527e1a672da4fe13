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
  const ids = { published: '', submitted: '', draft: '' };
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
    ids.submitted = await item(editor, '关于调整城区公交线路的公告', all);
    await submit(ids.submitted);
    ids.draft = await item(editor, '关于开展春季植树活动的通知', [portal]);
    // The portal's publication is in the ledger: the statistics have a figure to drill into.
    await waitFor(async () => (await sys.ds.query(`SELECT 1 FROM publication_records WHERE item_id = $1`, [ids.published])).length > 0, 60_000, 'the portal publication counted');
    usernames = ((await admin.get('/users')).data as { username: string }[]).map((u) => u.username);
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
    await sim?.close();
    // eslint-disable-next-line no-console
    console.log(`pages walked: ${visited.length}\n${visited.join('\n')}`);
  });

  /** Checks the page's visible text and saves its screenshot. */
  async function check(page: Page, role: string, name: string) {
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
      const nav = page.getByRole('navigation', { name: '主导航' }).getByRole('link');
      const entries = await nav.evaluateAll((as) => as.map((a) => [a.textContent ?? '', a.getAttribute('href') ?? '']));
      expect(entries.length).toBeGreaterThan(2);
      for (const [label, href] of entries) {
        await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: label, exact: true }).click();
        await page.waitForURL((u) => u.pathname === href);
        await walkPage(page, role, slugOf(href, label));
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
        const cell = page.locator(`[data-testid=matrix] tr[data-item="${ids.published}"] button[data-state]`).first();
        await cell.click();
        await page.getByTestId('delivery-events').locator('li').first().waitFor();
        await check(page, role, 'delivery');
      }
      if (role === 'statistician' || role === 'admin') {
        await page.goto(`${sys.url}/stats`);
        await page.locator('[data-drill]').first().click();
        await page.getByTestId('drill-panel').getByRole('link').first().waitFor();
        await check(page, role, 'stats-drill');
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
