import { AxiosInstance } from 'axios';
import { JSDOM } from 'jsdom';
import sharp from 'sharp';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { WORD_NOTICE_CLIPBOARD, WORD_NOTICE_TABLE } from '@app/domain/body/word-notice.fixture';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { waitSettled } from '@app/test/engine/engine-helpers';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * Issue 15.1 in a real browser (Debian's chromium) against the whole system: an editor pastes a notice
 * from Word (the HTML clipboard Word writes, dispatched as a paste event with a text/html
 * DataTransfer), edits its table and layout with the toolbar and the keyboard, uploads the picture Word
 * could not hand over and gives it alt text and a caption, saves; the stored body keeps the table, the
 * heading row, the right-aligned sign-off and the indents. Approved through the API, it reaches the
 * portal, whose page shows the table with borders, the alignment, the indents and the captioned picture.
 */
const run = chromiumAvailable() ? describe : describe.skip;

run('the body editor in the browser: Word paste, tables, layout', () => {
  let sys: TestSystem;
  let browser: Browser;
  let editorApi: AxiosInstance;
  let reviewerApi: AxiosInstance;
  let itemId = '';
  const title = `关于开展冬季供暖安全检查的通知${Date.now() % 10000}`;
  const open: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('editor-body');
    ({ browser } = await launch());
    [editorApi, reviewerApi] = await Promise.all([sys.login('editor'), sys.login('reviewer')]);
  }, 180_000);

  afterAll(async () => {
    for (const c of open) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.close();
  });

  const editorBox = (page: Page) => page.getByTestId('body-editor');
  const tool = (page: Page, name: string) => page.getByRole('toolbar', { name: '正文格式' }).getByRole('button', { name, exact: true });
  /** The editor table's cells as "tag:text", row by row. */
  const editorTable = (page: Page) =>
    editorBox(page)
      .locator('table tr')
      .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => `${c.tagName.toLowerCase()}:${(c.textContent ?? '').trim()}`)));
  const expected = WORD_NOTICE_TABLE.map((r, i) => r.map((c) => `${i ? 'td' : 'th'}:${c}`));

  it('an editor pastes a Word notice: a real table with its heading row, right-aligned sign-off, first-line indents; saved as such', async () => {
    const { ctx, page, errors } = await newPage(browser);
    open.push(ctx);
    const prompts: string[] = [];
    const answers = ['县供热公司锅炉房检查现场', '图1 县供热公司锅炉房检查现场'];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void (d.type() === 'prompt' && answers.length ? d.accept(answers.shift()) : d.dismiss());
    });
    await signIn(page, sys.url, 'editor', TEST_PASSWORD);
    await page.goto(`${sys.url}/items/new`);
    await page.locator('#f-title').fill(title);
    await page.locator('#f-kind').selectOption('notice');
    await page.locator('#f-category').fill('城乡建设、环境保护');
    await page.getByRole('button', { name: '全部取消' }).click();
    await page.getByRole('checkbox', { name: /示范县人民政府门户网站/ }).check();

    // The paste, as the browser delivers Word's clipboard (text/html and text/plain).
    await editorBox(page).click();
    await page.evaluate((html) => {
      const dt = new DataTransfer();
      dt.setData('text/html', html);
      dt.setData('text/plain', '关于开展冬季供暖安全检查的通知');
      document.querySelector('[data-testid=body-editor]')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, WORD_NOTICE_CLIPBOARD);
    await eventually(
      () => editorTable(page),
      (v) => expect(v).toEqual(expected),
    );
    const para = (text: string) => editorBox(page).locator('p', { hasText: text });
    // the title keeps its centring although it was pasted into the editor's empty first line
    expect(await para('关于开展冬季供暖安全检查的通知').getAttribute('style')).toMatch(/text-align: center/);
    expect(await para('示范县人民政府办公室').getAttribute('style')).toMatch(/text-align: right/);
    expect(await para('2026年11月20日').getAttribute('style')).toMatch(/text-align: right/);
    expect(await para('为确保全县群众温暖安全过冬').getAttribute('style')).toMatch(/text-indent: 2em/);
    expect(await para('二、工作要求').getAttribute('style')).toMatch(/text-indent: 2em/);
    // Word's local picture could not come: the editor says so, naming it
    await eventually(
      () => page.getByTestId('paste-notice').innerText(),
      (v) => expect(v).toContain('县供热公司锅炉房检查现场'),
    );

    // The table by keyboard: Tab in the last cell adds a row, typed into; 删除行 (Enter on the button) removes it.
    // (each click waits until the editor has the cursor there before a key is pressed)
    await editorBox(page).locator('td', { hasText: '12月15日至19日' }).click();
    await eventually(
      () => cursorIn(page),
      (v) => expect(v).toBe('12月15日至19日'),
    );
    await page.keyboard.press('Tab');
    await eventually(
      () => cursorIn(page),
      (v) => expect(v).toBe(''),
    );
    await page.keyboard.type('第四组');
    await eventually(
      async () => (await editorTable(page)).length,
      (v) => expect(v).toBe(5),
    );
    expect((await editorTable(page))[4]).toEqual(['td:第四组', 'td:', 'td:']);
    await tool(page, '删除行').focus();
    await page.keyboard.press('Enter');
    await eventually(
      () => editorTable(page),
      (v) => expect(v).toEqual(expected),
    );
    // 表头行 says the table has one
    await editorBox(page).locator('th', { hasText: '检查组' }).click();
    await eventually(
      () => tool(page, '表头行').getAttribute('aria-pressed'),
      (v) => expect(v).toBe('true'),
    );

    // 首行缩进 on the salutation and back off, with the keyboard (the buttons are in the tab order)
    await para('各乡镇人民政府、县直各有关部门').click();
    await eventually(
      () => cursorIn(page),
      (v) => expect(v).toBe('各乡镇人民政府、县直各有关部门：'),
    );
    expect(await tool(page, '首行缩进').getAttribute('aria-pressed')).toBe('false');
    await tool(page, '首行缩进').focus();
    await page.keyboard.press('Space');
    await eventually(
      () => para('各乡镇人民政府、县直各有关部门').getAttribute('style'),
      (v) => expect(v).toMatch(/text-indent: 2em/),
    );
    expect(await tool(page, '首行缩进').getAttribute('aria-pressed')).toBe('true');
    // (running a command gives the editor its focus back, with the cursor where it was)
    await tool(page, '首行缩进').focus();
    await page.keyboard.press('Space');
    await eventually(
      () => para('各乡镇人民政府、县直各有关部门').getAttribute('style'),
      (v) => expect(v).toBeNull(),
    );
    // 插入表格 makes a 3×3 table with a heading row where the cursor is; 删除表格 takes it away again
    await tool(page, '插入表格').click();
    await eventually(
      () => editorBox(page).locator('table').count(),
      (v) => expect(v).toBe(2),
    );
    const added = await editorBox(page)
      .locator('table')
      .first()
      .locator('tr')
      .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.tagName.toLowerCase()).join(',')));
    expect(added).toEqual(['th,th,th', 'td,td,td', 'td,td,td']);
    await eventually(
      () => tool(page, '删除表格').isEnabled(),
      (v) => expect(v).toBe(true),
    );
    await tool(page, '删除表格').click();
    await eventually(
      () => editorBox(page).locator('table').count(),
      (v) => expect(v).toBe(1),
    );
    await eventually(
      () => editorTable(page),
      (v) => expect(v).toEqual(expected),
    );

    // The caption line Word wrote is centred; it becomes the picture's caption: the line goes.
    await para('图1 县供热公司锅炉房检查现场').click();
    await eventually(
      () => cursorIn(page),
      (v) => expect(v).toBe('图1 县供热公司锅炉房检查现场'),
    );
    expect(await tool(page, '居中').getAttribute('aria-pressed')).toBe('true');
    expect(await tool(page, '右对齐').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await eventually(
      () => selectedText(page),
      (v) => expect(v).toBe('图1 县供热公司锅炉房检查现场'),
    );
    await page.keyboard.press('Backspace');
    await eventually(
      () => editorBox(page).locator('p', { hasText: '图1 县供热公司锅炉房检查现场' }).count(),
      (v) => expect(v).toBe(0),
    );

    // The picture: uploaded (the image button), then 替代文字 and 图片说明 from the toolbar.
    await page.getByTestId('image-input').setInputFiles({ name: 'clip_image002.png', mimeType: 'image/png', buffer: await boilerPicture() });
    const img = editorBox(page).locator('img');
    await img.waitFor();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=body-editor] img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    await img.click();
    await tool(page, '替代文字').click();
    await eventually(
      () => img.getAttribute('alt'),
      (v) => expect(v).toBe('县供热公司锅炉房检查现场'),
    );
    await tool(page, '图片说明').click();
    await editorBox(page).locator('figure figcaption', { hasText: '图1 县供热公司锅炉房检查现场' }).waitFor();
    expect(prompts).toEqual([expect.stringContaining('替代文字'), expect.stringContaining('图片说明')]);

    await page.getByTestId('save-draft').click();
    await page.getByTestId('save-notice').waitFor();
    itemId = page.url().match(/items\/([0-9a-f-]{36})\/edit/)![1];
    await shot(page, 'editor-word-paste');

    // What the server stored.
    const item = (await editorApi.get(`/items/${itemId}`)).data;
    const body = new JSDOM(item.bodyHtml).window.document;
    expect([...body.querySelectorAll('table tr')].map((r) => [...r.children].map((c) => `${c.tagName.toLowerCase()}:${c.textContent!.trim()}`))).toEqual(
      expected,
    );
    expect(item.bodyHtml).toContain('<th><p style="text-align:center">检查组</p></th>');
    expect(item.bodyHtml).toContain('<p style="text-align:right">示范县人民政府办公室</p><p style="text-align:right">2026年11月20日</p>');
    expect(item.bodyHtml).toMatch(/<p style="text-indent:2em">为确保全县群众温暖安全过冬/);
    expect(item.bodyHtml).toMatch(/<p style="text-indent:2em">二、工作要求/);
    expect(item.bodyHtml).toContain('<p>各乡镇人民政府、县直各有关部门：</p>');
    expect(item.bodyHtml).toMatch(
      /<figure><img src="\/api\/v1\/uploads\/[^"]+\.png" alt="县供热公司锅炉房检查现场" \/><figcaption>图1 县供热公司锅炉房检查现场<\/figcaption><\/figure>/,
    );
    expect(item.bodyHtml).not.toMatch(/mso-|class=|font-family|<o:p|file:/);
    expect(errors).toEqual([]);
  });

  it('approved, it reaches the portal: the page shows the table with borders, the right-aligned sign-off, the indents and the captioned picture', async () => {
    expect(itemId).not.toBe('');
    expect((await editorApi.post(`/items/${itemId}/submit`)).status).toBe(200);
    expect((await reviewerApi.post(`/items/${itemId}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密，同意公开' })).status).toBe(200);
    const deliveries = await waitSettled(sys, itemId, 60_000);
    expect(deliveries.map((d) => d.state)).toEqual(['published']);

    const { ctx, page, errors } = await newPage(browser);
    open.push(ctx);
    const res = await page.goto(`${sys.url}/site/articles/${itemId}.html`);
    expect(res?.status()).toBe(200);
    const body = page.locator('main .body');
    const table = body.locator('table');
    expect(
      await table
        .locator('tr')
        .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => `${c.tagName.toLowerCase()}:${(c.textContent ?? '').trim()}`))),
    ).toEqual(expected);
    const cellBorder = await table
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td).borderTopStyle + ' ' + getComputedStyle(td).borderTopWidth);
    expect(cellBorder).toBe('solid 1px');
    const align = (l: Locator) => l.evaluate((e) => getComputedStyle(e).textAlign);
    expect(await align(body.locator('p', { hasText: '示范县人民政府办公室' }))).toBe('right');
    expect(await align(body.locator('p', { hasText: '2026年11月20日' }))).toBe('right');
    expect(await align(table.locator('th').first().locator('p'))).toBe('center');
    const indent = await body
      .locator('p', { hasText: '为确保全县群众温暖安全过冬' })
      .evaluate((e) => [parseFloat(getComputedStyle(e).textIndent), parseFloat(getComputedStyle(e).fontSize)]);
    expect(indent[0]).toBe(indent[1] * 2);
    // the layout comes from the site's stylesheet, not from inline styles
    expect(await body.locator('[style]').count()).toBe(0);
    await body.locator('figure figcaption', { hasText: '图1 县供热公司锅炉房检查现场' }).waitFor();
    expect(await body.locator('figure img').getAttribute('alt')).toBe('县供热公司锅炉房检查现场');
    await page.waitForFunction(() => ((document.querySelector('main .body figure img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    await shot(page, 'public-portal-word-notice');
    expect(errors).toEqual([]);

    // The stored page itself (what any web server in front of PORTAL_DIR serves).
    const html = await (await fetch(`${sys.url}/site/articles/${itemId}.html`)).text();
    expect(html).toContain('<p class="align-right">示范县人民政府办公室</p>');
    expect(html).toMatch(/<p class="indent-2">为确保全县群众温暖安全过冬/);
  });
});

/** A small photo-like picture (so the editor has an image to show and the portal one to publish). */
async function boilerPicture(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160"><rect width="240" height="160" fill="#d9d2c5"/><rect x="30" y="40" width="180" height="90" fill="#8a3b2e"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The text of the editor's textblock holding the cursor, from the editor's own state (not the DOM's). */
function cursorIn(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const editor = (
      document.querySelector('[data-testid=body-editor]') as
        (Element & { editor?: { state: { selection: { $head: { parent: { textContent: string } } } } } }) | null
    )?.editor;
    return editor ? editor.state.selection.$head.parent.textContent : null;
  });
}

/** The text the editor's state has selected. */
function selectedText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    type Ed = { state: { selection: { from: number; to: number }; doc: { textBetween(a: number, b: number): string } } };
    const editor = (document.querySelector('[data-testid=body-editor]') as (Element & { editor?: Ed }) | null)?.editor;
    return editor ? editor.state.doc.textBetween(editor.state.selection.from, editor.state.selection.to) : null;
  });
}

/** Polls `get` until `check` passes (no fixed waits); on time-out fails with the last failed expectation. */
async function eventually<T>(get: () => Promise<T>, check: (v: T) => void, timeoutMs = 15_000): Promise<T> {
  let last: unknown;
  try {
    const passed = await waitFor(async () => {
      const v = await get();
      try {
        check(v);
        return { v };
      } catch (e) {
        last = e;
        return null;
      }
    }, timeoutMs);
    return (passed as { v: T }).v;
  } catch (e) {
    throw last ?? e;
  }
}
