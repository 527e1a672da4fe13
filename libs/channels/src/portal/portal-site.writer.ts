import { promises as fs } from 'fs';
import * as path from 'path';
import { componentLogger } from '@app/common/logging/logger';
import { writeFileAtomic } from './atomic-write';
import { DEFAULT_LIST_SIZES, PortalListSizes, PortalLists } from './portal-lists';
import { PORTAL_LIST_LAYOUT, rebuildSite, RebuildOptions } from './portal-rebuild';
import type { NumberedArticle, PortalReader, PortalState, PortalStateTx } from './portal-state';
import { PortalArticle, SiteInfo, articlePath, publicFields, renderArticle, renderWithdrawn } from './portal-templates';

const log = componentLogger('portal');

/** Article page writes in flight during a full rebuild. */
const REBUILD_WRITES_IN_FLIGHT = 8;

/** Copies the bytes of a private upload to a place in the site (only when publishing). */
export type UploadCopier = (key: string, dest: string) => Promise<void>;

/**
 * Owns one portal site directory. The directory holds only what the public pages show: article pages,
 * paged lists (信息公开目录, columns), sitemaps, rss.xml and the public copies of the uploads published
 * articles use (uploads/<key>). What the site shows is kept in Postgres (PortalState), never as data
 * files in the directory. A publication or withdrawal rewrites a bounded set of files (its page, the
 * pages linking it, the list pages that show it: see PortalLists.apply), all under the site lock, so
 * concurrent processes converge without re-reading the site.
 */
export class PortalSiteWriter {
  private legacy: Promise<void> | null = null;
  private layoutChecked: Promise<void> | null = null;
  readonly lists: PortalLists;
  /** Files this writer has written (for benchmarks and tests of the cost of a change). */
  filesWritten = 0;

  constructor(
    readonly dir: string,
    readonly site: SiteInfo,
    private readonly state: PortalState,
    private readonly copyUpload: UploadCopier = async () => {
      throw new Error('no upload store');
    },
    sizes: Partial<PortalListSizes> = {},
    private readonly onWrite?: (rel: string) => void,
  ) {
    this.lists = new PortalLists(site, { ...DEFAULT_LIST_SIZES, ...sizes }, (rel, content) => this.writeFile(rel, content));
  }

  private async writeFile(rel: string, content: string): Promise<void> {
    await writeFileAtomic(path.join(this.dir, rel), content);
    this.filesWritten++;
    this.onWrite?.(rel);
  }

  readArticle(itemId: string): Promise<PortalArticle | null> {
    return this.state.get(itemId);
  }

  private uploadFile(key: string): string {
    return path.join(this.dir, 'uploads', key);
  }

  /**
   * Writes (or replaces, for a revision) an article page with the public copies of the uploads it uses
   * (`uploadKeys`, whose URLs in the article already point at the copies), the pages linking it and the
   * list pages showing it. Copies a revision no longer uses leave the site unless another published
   * article uses them.
   */
  async publish(article: PortalArticle, uploadKeys: string[] = []): Promise<PortalArticle> {
    await this.prepare();
    const a: PortalArticle = { ...article, snapshot: publicFields(article.snapshot), withdrawn: false };
    await this.state.locked(async (st) => {
      for (const key of uploadKeys) {
        const dest = this.uploadFile(key);
        if (!(await exists(dest))) await this.copyUpload(key, dest);
      }
      const orphans = await st.setUploads(a.snapshot.itemId, uploadKeys);
      const placed = await st.save(a);
      await this.removeUploads(orphans);
      const related = await this.writeArticlePage(a, st);
      await this.refreshRelated(related, st);
      await this.lists.apply(st, placed);
    });
    return a;
  }

  /**
   * Takes an article back: the page becomes a notice that names only its 索引号, the list pages that
   * showed it are written without it, the pages linking it (its policy, its interpretations) are
   * written again without it, and the public copies of its uploads leave unless another published
   * article of the site uses them. The state keeps only what the notice shows.
   */
  async withdraw(itemId: string, at: Date): Promise<PortalArticle | null> {
    await this.prepare();
    const before = await this.state.locked(async (st) => {
      const a = await st.get(itemId);
      if (!a) return null;
      const orphans = await st.setUploads(itemId, []);
      const placed = await st.save(withdrawnOf(a, at));
      await this.removeUploads(orphans);
      await this.writeFile(a.path, renderWithdrawn(this.site, withdrawnOf(a, at)));
      await this.refreshRelated(await st.related(a.snapshot.itemId, a.snapshot.policyItemId), st);
      await this.lists.apply(st, placed);
      return a;
    });
    return before ? withdrawnOf(before, at) : null;
  }

  /**
   * Rebuilds the site from Postgres in batches (`npm run portal:rebuild`): the lists, and with
   * `articles` every article page too. Returns the number of articles.
   */
  rebuild(opts: RebuildOptions): Promise<{ articles: number }> {
    return rebuildSite(this.state, this.lists, this.dir, (st, rows) => this.writeArticlePages(st, rows), opts);
  }

  /** Before the first change through this writer: legacy data files taken in, lists of an older layout rebuilt. */
  private async prepare(): Promise<void> {
    await this.importLegacy();
    this.layoutChecked ??= (async () => {
      if ((await this.state.layout()) >= PORTAL_LIST_LAYOUT) return;
      // a site written by an older version: its lists once, in batches, with progress in the log
      const r = await this.rebuild({
        articles: false,
        progress: (done, total) => log.info({ dir: this.dir, done, total }, 'portal lists rebuilt in the new layout'),
      });
      if (r.articles) log.info({ dir: this.dir, articles: r.articles }, 'portal lists upgraded');
    })().catch((e) => {
      this.layoutChecked = null;
      throw e;
    });
    await this.layoutChecked;
  }

  private async removeUploads(keys: string[]) {
    for (const key of keys) await fs.rm(this.uploadFile(key), { force: true });
  }

  /** Reads through `r` (inside a site transaction: its own connection, never a second one from the pool). */
  private async writeArticlePage(a: PortalArticle, r: PortalReader): Promise<PortalArticle[]> {
    const related = await r.related(a.snapshot.itemId, a.snapshot.policyItemId);
    const policy = a.snapshot.policyItemId ? related.find((x) => x.snapshot.itemId === a.snapshot.policyItemId) : undefined;
    const interpretations = related.filter((x) => x.snapshot.policyItemId === a.snapshot.itemId);
    await this.writeFile(a.path, renderArticle(this.site, a, { policy, interpretations }));
    return related;
  }

  /** Pages that show this article's title: its policy's page and its interpretations' pages. */
  private async refreshRelated(related: PortalArticle[], st: PortalStateTx) {
    for (const x of related) {
      const full = await st.get(x.snapshot.itemId);
      if (full && !full.withdrawn) await this.writeArticlePage(full, st);
    }
  }

  /** A batch of a full rebuild: live articles as pages, withdrawn ones as their notice; the links of the whole batch read at once. */
  private async writeArticlePages(st: PortalStateTx, rows: NumberedArticle[]) {
    const live = rows.map((r) => r.article).filter((a) => !a.withdrawn);
    const related = await st.relatedOf(
      live.map((a) => a.snapshot.itemId),
      live.map((a) => a.snapshot.policyItemId).filter((p): p is string => !!p),
    );
    const byId = new Map(related.map((x) => [x.snapshot.itemId, x]));
    const byPolicy = new Map<string, PortalArticle[]>();
    for (const x of byId.values()) if (x.snapshot.policyItemId) byPolicy.set(x.snapshot.policyItemId, [...(byPolicy.get(x.snapshot.policyItemId) ?? []), x]);
    const render = (a: PortalArticle) =>
      a.withdrawn
        ? renderWithdrawn(this.site, a)
        : renderArticle(this.site, a, {
            policy: a.snapshot.policyItemId ? byId.get(a.snapshot.policyItemId) : undefined,
            interpretations: byPolicy.get(a.snapshot.itemId) ?? [],
          });
    // a few writes in flight: the file system, not the CPU, bounds a rebuild
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const a = rows[next++].article;
        await this.writeFile(a.path, render(a));
      }
    };
    await Promise.all(Array.from({ length: Math.min(REBUILD_WRITES_IN_FLIGHT, rows.length) }, lane));
  }

  /**
   * Sites written before the state moved to Postgres kept a data file per article in _data/: take
   * them into the state (public fields only; withdrawn ones as their notice) and delete the directory.
   */
  private importLegacy(): Promise<void> {
    this.legacy ??= (async () => {
      const dataDir = path.join(this.dir, '_data');
      let names: string[];
      try {
        names = (await fs.readdir(dataDir)).filter((n) => n.endsWith('.json'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      await this.state.locked(async (st) => {
        for (const n of names) {
          let a: PortalArticle & { withdrawReason?: string };
          try {
            a = JSON.parse(await fs.readFile(path.join(dataDir, n), 'utf8'));
          } catch {
            continue;
          }
          if (!a?.snapshot?.itemId || (await st.get(a.snapshot.itemId))) continue;
          const clean: PortalArticle = { snapshot: publicFields(a.snapshot), url: a.url, path: a.path, publishedAt: a.publishedAt, withdrawn: false };
          await st.save(a.withdrawn ? withdrawnOf(clean, new Date(a.withdrawnAt ?? Date.now())) : clean);
        }
      });
      await fs.rm(dataDir, { recursive: true, force: true });
    })();
    return this.legacy;
  }

  static articlePath = articlePath;
}

/** What a withdrawn article keeps: the 索引号 and column its notice shows, its address. */
function withdrawnOf(a: PortalArticle, at: Date): PortalArticle {
  const s = a.snapshot;
  return {
    snapshot: {
      itemId: s.itemId,
      versionNo: s.versionNo,
      indexNo: s.indexNo,
      category: s.category,
      kind: s.kind,
      title: '',
      bodyHtml: '',
      summary: '',
      docNo: null,
      issuingBody: '',
      writtenDate: null,
      publishDate: null,
      disclosureAttr: '',
      validity: '',
      repealedDate: null,
      policyItemId: null,
      attachments: [],
    },
    url: a.url,
    path: a.path,
    publishedAt: a.publishedAt,
    withdrawn: true,
    withdrawnAt: a.withdrawnAt ?? at.toISOString(),
  };
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}
