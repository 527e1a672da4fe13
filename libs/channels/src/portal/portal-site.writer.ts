import { promises as fs } from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic-write';
import {
  PortalArticle,
  SiteInfo,
  articlePath,
  columnSlug,
  renderArticle,
  renderColumn,
  renderIndex,
  renderRss,
  renderSitemap,
  renderWithdrawn,
} from './portal-templates';

/**
 * Owns one portal directory. Each article keeps a sidecar JSON under _data/ (written atomically, one
 * file per article, so concurrent writers never clobber each other); list pages, the 信息公开目录,
 * sitemap.xml and rss.xml are derived from the sidecars. List rebuilds are coalesced within a process
 * and re-checked after writing, so concurrent processes converge on lists that include every article.
 */
export class PortalSiteWriter {
  private cache = new Map<string, { mtimeMs: number; article: PortalArticle }>();
  private rebuilding: Promise<void> | null = null;
  private rebuildAgain = false;

  constructor(
    readonly dir: string,
    readonly site: SiteInfo,
  ) {}

  private sidecar(itemId: string) {
    return path.join(this.dir, '_data', `${itemId}.json`);
  }

  async readArticle(itemId: string): Promise<PortalArticle | null> {
    try {
      return JSON.parse(await fs.readFile(this.sidecar(itemId), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Writes (or replaces, for a revision) an article page, then the lists. Returns the article. */
  async publish(article: PortalArticle): Promise<PortalArticle> {
    await writeFileAtomic(this.sidecar(article.snapshot.itemId), JSON.stringify(article));
    const all = await this.loadAll();
    await this.writeArticlePage(article, all);
    await this.rebuildLists();
    return article;
  }

  async withdraw(itemId: string, reason: string | null, at: Date): Promise<PortalArticle | null> {
    const a = await this.readArticle(itemId);
    if (!a) return null;
    const w: PortalArticle = { ...a, withdrawn: true, withdrawnAt: at.toISOString(), withdrawReason: reason ?? undefined };
    await writeFileAtomic(this.sidecar(itemId), JSON.stringify(w));
    await writeFileAtomic(path.join(this.dir, w.path), renderWithdrawn(this.site, w));
    await this.rebuildLists();
    return w;
  }

  private async writeArticlePage(a: PortalArticle, all: PortalArticle[]) {
    const live = all.filter((x) => !x.withdrawn);
    const policy = a.snapshot.policyItemId ? live.find((x) => x.snapshot.itemId === a.snapshot.policyItemId) : undefined;
    const interpretations = live.filter((x) => x.snapshot.policyItemId === a.snapshot.itemId);
    await writeFileAtomic(path.join(this.dir, a.path), renderArticle(this.site, a, { policy, interpretations }));
  }

  async loadAll(): Promise<PortalArticle[]> {
    const dataDir = path.join(this.dir, '_data');
    let names: string[] = [];
    try {
      names = (await fs.readdir(dataDir)).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const seen = new Set<string>();
    for (const n of names) {
      seen.add(n);
      const file = path.join(dataDir, n);
      const st = await fs.stat(file).catch(() => null);
      if (!st) continue;
      const c = this.cache.get(n);
      if (c && c.mtimeMs === st.mtimeMs) continue;
      try {
        this.cache.set(n, { mtimeMs: st.mtimeMs, article: JSON.parse(await fs.readFile(file, 'utf8')) });
      } catch {
        /* being replaced right now; the convergence check picks it up */
      }
    }
    for (const k of [...this.cache.keys()]) if (!seen.has(k)) this.cache.delete(k);
    return [...this.cache.values()].map((c) => c.article);
  }

  /** Coalesced: callers during a rebuild share one more rebuild after it. */
  rebuildLists(): Promise<void> {
    if (this.rebuilding) {
      this.rebuildAgain = true;
      return this.rebuilding;
    }
    this.rebuilding = (async () => {
      try {
        do {
          this.rebuildAgain = false;
          const signature = await this.writeLists();
          // Another process may have added an article between our scan and our rename.
          const after = this.signature(await this.loadAll());
          if (after !== signature) this.rebuildAgain = true;
        } while (this.rebuildAgain);
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  private signature(all: PortalArticle[]): string {
    return all
      .map((a) => `${a.snapshot.itemId}:${a.snapshot.versionNo}:${a.withdrawn ? 1 : 0}`)
      .sort()
      .join(',');
  }

  private async writeLists(): Promise<string> {
    const all = await this.loadAll();
    const live = all.filter((a) => !a.withdrawn).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    const categories = [...new Set(live.map((a) => a.snapshot.category))].sort();
    const allCategories = [...new Set(all.map((a) => a.snapshot.category))];
    for (const c of allCategories) {
      await writeFileAtomic(
        path.join(this.dir, 'columns', `${columnSlug(c)}.html`),
        renderColumn(this.site, c, live.filter((a) => a.snapshot.category === c)),
      );
    }
    // Policy pages list their interpretations: refresh those whose set may have changed.
    const policies = new Set(live.map((a) => a.snapshot.policyItemId).filter(Boolean) as string[]);
    for (const a of live) if (policies.has(a.snapshot.itemId)) await this.writeArticlePage(a, all);
    await writeFileAtomic(path.join(this.dir, 'index.html'), renderIndex(this.site, live, categories));
    await writeFileAtomic(path.join(this.dir, 'sitemap.xml'), renderSitemap(this.site, live, categories));
    await writeFileAtomic(path.join(this.dir, 'rss.xml'), renderRss(this.site, live));
    return this.signature(all);
  }

  static articlePath = articlePath;
}
