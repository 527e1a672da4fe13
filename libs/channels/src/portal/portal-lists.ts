import {
  catalogueFile,
  columnLandingFile,
  columnPageFile,
  renderArticlesSitemap,
  renderCataloguePage,
  renderColumnPage,
  renderColumnsSitemap,
  renderIndex,
  renderRss,
  renderSitemapIndex,
  SITEMAP_COLUMNS_FILE,
  sitemapFile,
} from './portal-list-templates';
import type { PlacedArticle, PortalColumn, PortalListReader } from './portal-state';
import type { PortalArticle, SiteInfo } from './portal-templates';

/** The sizes of the paged lists. Changing one needs a full rebuild (`npm run portal:rebuild`). */
export interface PortalListSizes {
  /** Articles per numbered page (columns and the catalogue). */
  pageSize: number;
  /** Article URLs per sitemap file. */
  sitemapSize: number;
  /** Items in rss.xml. */
  rssSize: number;
  /** Newest articles per column on index.html. */
  indexPerColumn: number;
  /** Newest articles of the whole site on index.html. */
  indexLatest: number;
}

export const DEFAULT_LIST_SIZES: PortalListSizes = { pageSize: 20, sitemapSize: 1000, rssSize: 50, indexPerColumn: 5, indexLatest: 20 };

/** Writes one file of the site (path relative to the site root), atomically. */
export type SiteFileWriter = (rel: string, content: string) => Promise<void>;

/**
 * The list pages of one site, each rendered from the reads it needs (a page, a column's newest, the
 * latest N), never from the whole site. Called with the site lock held, so the last writer of a page
 * wrote it from the last state: concurrent processes converge without re-checking.
 */
export class PortalLists {
  constructor(
    private readonly site: SiteInfo,
    readonly sizes: PortalListSizes,
    private readonly write: SiteFileWriter,
  ) {}

  pageOf(n: number): number {
    return Math.ceil(n / this.sizes.pageSize);
  }

  private range(page: number, size = this.sizes.pageSize): [number, number] {
    return [(page - 1) * size + 1, page * size];
  }

  /**
   * Rewrites the list files an article's save changed: the pages that list it now or listed it before,
   * the page before a newly opened page (it gains its "newer" link), a column's landing when the change is
   * on its newest page, index.html, rss.xml when it is among the latest, the sitemap file of its number
   * when it appears or leaves, the sitemap index when a file opens, the columns' sitemap when a column opens.
   */
  async apply(st: PortalListReader, p: PlacedArticle): Promise<void> {
    const isNew = !p.prev;
    const renumbered = isNew || p.prev!.category !== p.category;
    const listed = p.live || !!p.prev?.live;
    if (!listed && !renumbered) return;
    const P = this.sizes.pageSize;
    const heads = await st.heads();
    const columns = new Map(heads.columns.map((c) => [c.category, c]));
    const catPages = this.pageOf(heads.maxSeq);

    const catalogue = new Set<number>([this.pageOf(p.seq)]);
    if (isNew && p.seq % P === 1 && p.seq > P) catalogue.add(this.pageOf(p.seq) - 1);
    for (const k of catalogue) await this.writeCataloguePage(st, k, catPages);

    const col = columns.get(p.category)!;
    const colPages = new Set<number>([this.pageOf(p.colSeq)]);
    if (renumbered && p.colSeq % P === 1 && p.colSeq > P) colPages.add(this.pageOf(p.colSeq) - 1);
    await this.writeColumnPages(st, col, colPages);
    if (p.prev && p.prev.category !== p.category && p.prev.live) {
      await this.writeColumnPages(st, columns.get(p.prev.category)!, new Set([this.pageOf(p.prev.colSeq)]));
    }

    const liveChanged = p.live !== !!p.prev?.live;
    if (liveChanged) await this.writeSitemapFile(st, Math.ceil(p.seq / this.sizes.sitemapSize));
    if (isNew && (p.seq - 1) % this.sizes.sitemapSize === 0) await this.writeSitemapIndex(st);
    if (renumbered && col.maxColSeq === 1) await this.writeColumnsSitemap([...columns.keys()]);

    // a new live article is the newest; anything else is in the feed only when fewer than rssSize live ones are newer
    const inRss = listed && ((isNew && p.live) || (await st.liveNewerThan(p.seq, this.sizes.rssSize)) < this.sizes.rssSize);
    await this.writeHome(st, [...columns.values()], catPages, inRss);
  }

  /** The given numbered pages of a column, and its landing page when one of them is the newest. */
  async writeColumnPages(st: PortalListReader, col: PortalColumn, pages: Set<number>): Promise<void> {
    const newest = this.pageOf(col.maxColSeq);
    for (const k of pages) {
      const articles = await st.byColSeq(col.category, ...this.range(k));
      await this.write(columnPageFile(col.category, k), renderColumnPage(this.site, col.category, articles, k, newest, false));
      if (k === newest) await this.write(columnLandingFile(col.category), renderColumnPage(this.site, col.category, articles, k, newest, true));
    }
  }

  async writeCataloguePage(st: PortalListReader, page: number, pages: number, articles?: PortalArticle[]): Promise<void> {
    const list = articles ?? (await st.bySeq(...this.range(page)));
    await this.write(catalogueFile(page), renderCataloguePage(this.site, list, page, pages));
  }

  async writeSitemapFile(st: PortalListReader, k: number, articles?: PortalArticle[]): Promise<void> {
    const list = articles ?? (await st.bySeq(...this.range(k, this.sizes.sitemapSize)));
    await this.write(sitemapFile(k), renderArticlesSitemap(list.slice().reverse()));
  }

  async writeSitemapIndex(st: PortalListReader): Promise<void> {
    await this.write('sitemap.xml', renderSitemapIndex(this.site, Math.ceil((await st.maxSeq()) / this.sizes.sitemapSize)));
  }

  async writeColumnsSitemap(categories: string[]): Promise<void> {
    await this.write(SITEMAP_COLUMNS_FILE, renderColumnsSitemap(this.site, [...categories].sort()));
  }

  /** index.html (columns with counts and their newest, the site's newest) and, when asked, rss.xml. */
  async writeHome(st: PortalListReader, columns: PortalColumn[], cataloguePages: number, rss: boolean): Promise<void> {
    const { rssSize, indexLatest, indexPerColumn } = this.sizes;
    const latest = await st.latest(rss ? Math.max(rssSize, indexLatest) : indexLatest);
    const perColumn = await st.latestPerColumn(indexPerColumn);
    const shown = columns
      .filter((c) => c.liveCount > 0)
      .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0))
      .map((c) => ({ category: c.category, liveCount: c.liveCount, latest: perColumn.get(c.category) ?? [] }));
    await this.write('index.html', renderIndex(this.site, shown, latest.slice(0, indexLatest), cataloguePages));
    if (rss) await this.write('rss.xml', renderRss(this.site, latest.slice(0, rssSize)));
  }
}
