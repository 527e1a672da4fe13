import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AxiosInstance } from 'axios';
import type { Browser, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from '../console/browser';
import { latinWords } from '../console/latin-words';

/**
 * Issue 16.4 in the console (上报汇总): the county registers a sender's public key (here its own
 * installation's, standing in for a lower installation), imports the bundle of a department's frozen
 * report from a file, returns it with comments, takes the resubmission, accepts it; a tampered file is
 * refused with the Chinese reason. Everything the page shows is Chinese.
 */
const run = chromiumAvailable() ? describe : describe.skip;
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear() - 1;

run('the 上报汇总 page', () => {
  let sys: TestSystem;
  let browser: Browser;
  let stat: AxiosInstance;
  let dir: string;
  let bundleFile = '';
  let tamperedFile = '';

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('bundles-page', { worker: false });
    ({ browser } = await launch());
    stat = await sys.login('statistician');
    const admin = await sys.login('admin');
    const dept = sys.seed.orgs['sfx-fgj'];
    const freeze = await stat.post('/stats/reports/gov-2014/freeze', {
      org: dept,
      year: YEAR,
      signoff: { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: `${YEAR + 1}-01-15` },
    });
    expect(freeze.status).toBe(201);
    const b = await stat.get('/stats/reports/gov-2014/bundle', { params: { org: dept, year: YEAR } });
    expect(b.status).toBe(200);
    const keys = await admin.get('/stats/senders', { params: { org: sys.seed.orgs['sfx'] } });
    const reg = await admin.post('/stats/senders', { org: sys.seed.orgs['sfx'], name: '示范县发展和改革局', publicKey: keys.data.installation.publicKey });
    expect(reg.status).toBe(201);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-page-'));
    bundleFile = path.join(dir, 'bundle.json');
    fs.writeFileSync(bundleFile, JSON.stringify(b.data, null, 2));
    const t = JSON.parse(JSON.stringify(b.data));
    t.payload.figures['1-1'] = 99;
    tamperedFile = path.join(dir, 'tampered.json');
    fs.writeFileSync(tamperedFile, JSON.stringify(t));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function statusText(page: Page): Promise<string> {
    return (await page.getByTestId('bundle-counts').innerText()).replace(/\s+/g, ' ');
  }

  it('imports, returns with comments, takes the resubmission, accepts; refuses a tampered file; all in Chinese', async () => {
    const { page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'statistician', TEST_PASSWORD);
    await page.getByRole('link', { name: '上报汇总' }).click();
    await page.locator('#b-year').selectOption(String(YEAR));
    await page.getByText('未报 1 · 已报 0 · 退回 0 · 已采纳 0').waitFor();

    await page.locator('#b-file').setInputFiles(tamperedFile);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-code')).toBe('BUNDLE_TAMPERED');
    expect(await banner.innerText()).toContain('签名校验失败');
    expect(await statusText(page)).toContain('未报 1');

    await page.locator('#b-file').setInputFiles(bundleFile);
    await page.getByRole('status').waitFor();
    await page.getByText('未报 0 · 已报 1').waitFor();
    const row = page.getByTestId('bundle-status').locator('tbody tr').first();
    expect(await row.innerText()).toContain('示范县发展和改革局');
    await row.getByRole('button', { name: '退回' }).click();
    await page.getByLabel('退回意见').fill('依申请公开数据请核实后重报');
    await page.getByRole('button', { name: '确认退回' }).click();
    await page.getByText('退回 1').waitFor();
    expect(await row.innerText()).toContain('依申请公开数据请核实后重报');

    await page.locator('#b-file').setInputFiles(bundleFile);
    await page.getByText('已报 1 · 退回 0').waitFor();
    expect(await row.innerText()).toContain('已重报 1 次');
    await row.getByRole('button', { name: '采纳' }).click();
    await page.getByText('已采纳 1').waitFor();
    await shot(page, 'statistician-bundles');
    const [{ n }] = await sys.ds.query(`SELECT count(*)::int AS n FROM stats_bundles WHERE status = 'accepted' AND superseded_by IS NULL`);
    expect(n).toBe(1);

    const words = latinWords(await page.locator('body').innerText(), ['statistician']);
    expect(words).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('the admin sees the installation public key and registers a sender', async () => {
    const { page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await page.goto(`${sys.url}/stats/bundles`);
    const own = page.locator('#b-own-key');
    await own.waitFor();
    expect(await own.inputValue()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await page.locator('#b-s-name').fill('某乡镇');
    await page.locator('#b-s-key').fill('不是公钥');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByTestId('error-banner').waitFor();
    expect(await page.getByTestId('error-banner').innerText()).toContain('公钥');
    expect(latinWords(await page.locator('body').innerText(), ['admin'])).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);
});
