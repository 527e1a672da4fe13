import { promises as fs } from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic-write';
import type { PortalReader, PortalState } from './portal-state';
import {
  PortalArticle,
  SiteInfo,
  articlePath,
  columnSlug,
  publicFields,
  renderArticle,
  renderColumn,
  renderIndex,
  renderRss,
  renderSitemap,
  renderWithdrawn,
} from './portal-templates';

/** Copies the bytes of a private upload to a place in the site (only when publishing). */
export type UploadCopier = (key: string, dest: string) => Promise<void>;

/**
 * Owns one portal site directory. The directory holds only what the public pages show: article pages,
 * lists (信息公开目录, columns), sitemap.xml, rss.xml and the public copies of the uploads published
 * articles use (uploads/<key>). What the site shows is kept in Postgres (PortalState), never as data
 * files in the directory. List rebuilds are coalesced within a process and re-checked after writing,
 * so concurrent processes converge on lists that include every article.
 */
export class PortalSiteWriter {
  private rebuilding: Promise<void> | null = null;
  private rebuildAgain = false;
  private legacy: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly site: SiteInfo,
    private readonly state: PortalState,
    private readonly copyUpload: UploadCopier = async () => {
      throw new Error('no upload store');
    },
  ) {}

  readArticle(itemId: string): Promise<PortalArticle | null> {
    return this.state.get(itemId);
  }

  private uploadFile(key: string): string {
    return path.join(this.dir, 'uploads', key);
  }

  /**
   * Writes (or replaces, for a revision) an article page with the public copies of the uploads it uses
   * (`uploadKeys`, whose URLs in the article already point at the copies), then the lists. Copies a
   * revision no longer uses leave the site unless another published article uses them.
   */
  async publish(article: PortalArticle, uploadKeys: string[] = []): Promise<PortalArticle> {
    await this.importLegacy();
    const a: PortalArticle = { ...article, snapshot: publicFields(article.snapshot), withdrawn: false };
    await this.state.locked(async (st) => {
      for (const key of uploadKeys) {
        const dest = this.uploadFile(key);
        if (!(await exists(dest))) await this.copyUpload(key, dest);
      }
      const orphans = await st.setUploads(a.snapshot.itemId, uploadKeys);
      await st.save(a);
      await this.removeUploads(orphans);
      await this.writeArticlePage(a, st);
    });
    await this.refreshRelated(a);
    await this.rebuildLists();
    return a;
  }

  /**
   * Takes an article back: the page becomes a notice that names only its 索引号, the lists drop it, the
   * pages linking it (its policy, its interpretations) are written again without it, and the public
   * copies of its uploads leave unless another published article of the site uses them. The state keeps
   * only what the notice shows.
   */
  async withdraw(itemId: string, at: Date): Promise<PortalArticle | null> {
    await this.importLegacy();
    const before = await this.state.locked(async (st) => {
      const a = await st.get(itemId);
      if (!a) return null;
      const orphans = await st.setUploads(itemId, []);
      await st.save(withdrawnOf(a, at));
      await this.removeUploads(orphans);
      await writeFileAtomic(path.join(this.dir, a.path), renderWithdrawn(this.site, withdrawnOf(a, at)));
      return a;
    });
    if (!before) return null;
    await this.refreshRelated(before);
    await this.rebuildLists();
    return withdrawnOf(before, at);
  }

  private async removeUploads(keys: string[]) {
    for (const key of keys) await fs.rm(this.uploadFile(key), { force: true });
  }

  /** Reads through `r` (inside a site transaction: its own connection, never a second one from the pool). */
  private async writeArticlePage(a: PortalArticle, r: PortalReader) {
    const related = await r.related(a.snapshot.itemId, a.snapshot.policyItemId);
    const policy = a.snapshot.policyItemId ? related.find((x) => x.snapshot.itemId === a.snapshot.policyItemId) : undefined;
    const interpretations = related.filter((x) => x.snapshot.policyItemId === a.snapshot.itemId);
    await writeFileAtomic(path.join(this.dir, a.path), renderArticle(this.site, a, { policy, interpretations }));
  }

  /** Pages that show this article's title: its policy's page and its interpretations' pages. */
  private async refreshRelated(a: PortalArticle) {
    for (const x of await this.state.related(a.snapshot.itemId, a.snapshot.policyItemId)) {
      const full = await this.state.get(x.snapshot.itemId);
      if (full && !full.withdrawn) await this.writeArticlePage(full, this.state);
    }
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
          // Another process may have added an article between our read and our rename.
          if ((await this.state.signature()) !== signature) this.rebuildAgain = true;
        } while (this.rebuildAgain);
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  private async writeLists(): Promise<string> {
    const signature = await this.state.signature();
    const all = await this.state.summaries();
    const live = all.filter((a) => !a.withdrawn).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    const categories = [...new Set(live.map((a) => a.snapshot.category))].sort();
    const allCategories = [...new Set(all.map((a) => a.snapshot.category))];
    for (const c of allCategories) {
      await writeFileAtomic(
        path.join(this.dir, 'columns', `${columnSlug(c)}.html`),
        renderColumn(
          this.site,
          c,
          live.filter((a) => a.snapshot.category === c),
        ),
      );
    }
    // Policy pages list their interpretations: refresh those whose set may have changed in another process.
    const policies = new Set(live.map((a) => a.snapshot.policyItemId).filter(Boolean) as string[]);
    for (const a of live) {
      if (!policies.has(a.snapshot.itemId)) continue;
      const full = await this.state.get(a.snapshot.itemId);
      if (full && !full.withdrawn) await this.writeArticlePage(full, this.state);
    }
    await writeFileAtomic(path.join(this.dir, 'index.html'), renderIndex(this.site, live, categories));
    await writeFileAtomic(path.join(this.dir, 'sitemap.xml'), renderSitemap(this.site, live, categories));
    await writeFileAtomic(path.join(this.dir, 'rss.xml'), renderRss(this.site, live));
    return signature;
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
