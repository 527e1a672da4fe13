import type { Page } from 'playwright-core';

/**
 * Helpers of the page walk (chinese-walk.int-spec.ts). A page is ready when no request of the page is in
 * flight and nothing says 正在加载, over a few animation frames in a row (a request an effect starts
 * after a render is seen): a condition the browser evaluates, not a pause.
 */
export function trackRequests(page: Page): void {
  void page.addInitScript(() => {
    const w = window as unknown as { __inflight: number; fetch: typeof fetch };
    w.__inflight = 0;
    const orig = w.fetch.bind(window);
    w.fetch = (async (...args: Parameters<typeof fetch>) => {
      w.__inflight++;
      try {
        return await orig(...args);
      } finally {
        w.__inflight--;
      }
    }) as typeof fetch;
  });
}

export async function pageReady(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __inflight?: number; __calm?: number };
      const calm = (w.__inflight ?? 0) === 0 && !document.querySelector('main .loading, main [aria-busy=true]');
      w.__calm = calm ? (w.__calm ?? 0) + 1 : 0;
      return w.__calm >= 3;
    },
    undefined,
    { timeout, polling: 'raf' },
  );
}

/** A dialog nobody asked for is dismissed and recorded as an error of the page. */
export function allowDialogs(page: Page, errors: string[]): void {
  page.on('dialog', (d) => {
    errors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
}

const PAGES: Record<string, string> = {
  '/': 'home',
  '/items/new': 'write',
  '/items': 'items',
  '/review': 'review',
  '/monitor': 'monitor',
  '/stats': 'stats',
  '/admin': 'admin',
  '/notifications': 'notifications',
};
const TABS: Record<string, string> = {
  机构与审核级数: 'orgs',
  用户与角色: 'users',
  渠道账号: 'accounts',
  账号设置向导: 'account-wizard',
  导入旧网站: 'site-import',
  词库: 'lexicons',
  审计日志: 'audit',
  发布矩阵: 'matrix',
  发布异常: 'failures',
  待人工核实: 'unconfirmed',
  待编入公报: 'awaiting-issue',
  账号状态: 'account-state',
  政府公报: 'gazette',
  LED显示屏: 'led',
  门户网站: 'portal',
  政务微信: 'wechat',
  政务微博: 'weibo',
};

/** A file-name part for a page (by its path) or a tab (by its label, counts in brackets left out). */
export function slugOf(key: string, fallback: string): string {
  if (PAGES[key]) return PAGES[key];
  const label = key.replace(/[（(].*$/, '').trim();
  if (TABS[label]) return TABS[label];
  for (const [k, v] of Object.entries(TABS)) if (label.includes(k)) return v;
  return key.startsWith('/') ? key.slice(1).replace(/\W+/g, '-') || fallback : fallback;
}
