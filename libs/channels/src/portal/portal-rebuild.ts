import { promises as fs } from 'fs';
import * as path from 'path';
import { columnSlug } from './portal-templates';
import type { PortalLists } from './portal-lists';
import type { NumberedArticle, PortalState, PortalStateTx } from './portal-state';

/** The layout of the list files this version writes (portal_sites.layout): a site below it is rebuilt at its next write. */
export const PORTAL_LIST_LAYOUT = 1;

export interface RebuildOptions {
  /** Write the article pages too (a full rebuild), not only the lists. */
  articles: boolean;
  /** Called after each batch: articles done so far of the site's total. */
  progress?: (done: number, total: number) => void;
}

/**
 * Rebuilds a site's files from Postgres in batches of numbers (keyset ranges of portal_articles.seq),
 * so memory holds one batch, never the site. Each batch is written under the site lock, from the state
 * read under it: a publication running meanwhile waits for the batch and then rewrites what it changes,
 * so the site converges. Ends with the landing pages, index, RSS, sitemaps, the removal of numbered
 * files beyond the current counts (e.g. after a page size change), and the site's layout version.
 */
export async function rebuildSite(
  state: PortalState,
  lists: PortalLists,
  dir: string,
  writeArticles: (st: PortalStateTx, rows: NumberedArticle[]) => Promise<void>,
  opts: RebuildOptions,
): Promise<{ articles: number }> {
  const { pageSize, sitemapSize } = lists.sizes;
  // a batch holds whole pages (and whole sitemap files when the sizes allow; a file across batches is read on its own)
  const lcm = (pageSize * sitemapSize) / gcd(pageSize, sitemapSize);
  const size = lcm <= 5000 ? lcm : pageSize * Math.ceil(1000 / pageSize);
  const total = await state.locked((st) => st.maxSeq());
  let done = 0;
  for (let lo = 1; lo <= total; lo += size) {
    const hi = lo + size - 1;
    await state.locked(async (st) => {
      const pages = lists.pageOf(await st.maxSeq());
      const rows = await st.numbered(lo, hi);
      if (opts.articles) await writeArticles(st, rows);
      const live = rows
        .filter((r) => !r.article.withdrawn)
        .map((r) => ({ ...r, article: { ...r.article, snapshot: { ...r.article.snapshot, bodyHtml: '' } } }));
      for (let k = lists.pageOf(lo); k <= Math.min(lists.pageOf(hi), pages); k++) {
        const from = (k - 1) * pageSize + 1;
        const to = k * pageSize;
        const onPage = live.filter((r) => r.seq >= from && r.seq <= to).sort((a, b) => b.seq - a.seq);
        await lists.writeCataloguePage(
          st,
          k,
          pages,
          onPage.map((r) => r.article),
        );
      }
      for (let k = Math.ceil(lo / sitemapSize); k <= Math.ceil(Math.min(hi, total) / sitemapSize); k++) {
        const from = (k - 1) * sitemapSize + 1;
        const to = k * sitemapSize;
        if (from < lo || to > hi) await lists.writeSitemapFile(st, k);
        else
          await lists.writeSitemapFile(
            st,
            k,
            live
              .filter((r) => r.seq >= from && r.seq <= to)
              .sort((a, b) => b.seq - a.seq)
              .map((r) => r.article),
          );
      }
      done = Math.min(hi, total);
    });
    opts.progress?.(done, total);
  }

  // column pages: one bounded read per page, a batch of pages per lock
  const columns = await state.locked((st) => st.columns());
  for (const c of columns) {
    const pages = lists.pageOf(c.maxColSeq);
    const perLock = Math.max(1, Math.floor(size / pageSize));
    for (let k = 1; k <= pages; k += perLock) {
      await state.locked(async (st) => {
        const now = (await st.columns()).find((x) => x.category === c.category)!;
        const set = new Set<number>();
        for (let j = k; j < k + perLock && j <= lists.pageOf(now.maxColSeq); j++) set.add(j);
        await lists.writeColumnPages(st, now, set);
      });
    }
  }

  await state.locked(async (st) => {
    const cols = await st.columns();
    const maxSeq = await st.maxSeq();
    await lists.writeHome(st, cols, lists.pageOf(maxSeq), true);
    await lists.writeSitemapIndex(st);
    await lists.writeColumnsSitemap(cols.map((c) => c.category));
    await removeBeyond(path.join(dir, 'catalogue'), '.html', lists.pageOf(maxSeq));
    await removeBeyond(path.join(dir, 'sitemaps'), '.xml', Math.ceil(maxSeq / sitemapSize));
    for (const c of cols) await removeBeyond(path.join(dir, 'columns', columnSlug(c.category)), '.html', lists.pageOf(c.maxColSeq));
    await st.setLayout(PORTAL_LIST_LAYOUT);
  });
  return { articles: total };
}

/** Removes numbered files (<n><ext>) above `max` from a list directory. */
async function removeBeyond(dir: string, ext: string, max: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const n of names) {
    const m = new RegExp(`^(\\d+)${ext.replace('.', '\\.')}$`).exec(n);
    if (m && Number(m[1]) > max) await fs.rm(path.join(dir, n), { force: true });
  }
}

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}
