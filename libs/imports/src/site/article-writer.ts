import { randomBytes, createHash } from 'crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { sanitizeBody } from '@app/domain/body/body-sanitizer';
import { Item } from '@app/domain/entities/item.entity';
import type { Attachment } from '@app/domain/entities/item.types';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';
import type { AdapterAccount } from '@app/channels/channel-adapter';
import type { FanoutService } from '@app/channels/engine/fanout.service';
import type { PortalAdapter } from '@app/channels/portal/portal.adapter';
import { articlePath } from '@app/channels/portal/portal-templates';
import { publicUploadsOf } from '@app/channels/portal/publish-uploads';
import { privateUploadUrl } from '@app/channels/portal/upload-keys';
import type { UploadStore } from '@app/channels/portal/upload-store';
import { articleHash, type ImportedArticle } from './imported-article';
import { FILE_MAX_BYTES, type ImportFetcher, PageProblem } from './import-fetcher';
import { sniffImported } from './file-kind';

export interface PageNote {
  url: string;
  reason: string;
}

export interface ImportTarget {
  importId: string;
  organisationId: string;
  organisationName: string;
  account: AdapterAccount;
  actorId: string;
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Makes an old article an item of the organisation: images and attachments fetched through the guard
 * into the private store, the body sanitised as any body, the item published with its original
 * metadata and 发布日期, its version 1 frozen, one publication on the portal account at its original
 * date in the ledger (marked imported), and its page written by the portal writer with that date.
 * Keyed by the old URL (and the 索引号): a second run with the same content writes nothing, with new
 * content updates the item (a new version, the page rewritten), never a second item.
 */
export class ArticleWriter {
  constructor(
    private readonly ds: DataSource,
    private readonly fetcher: ImportFetcher,
    private readonly store: UploadStore,
    private readonly portal: PortalAdapter,
    private readonly fanout: FanoutService,
  ) {}

  /** Fetches the article's images and attachments; a file that cannot be read is a note, the article goes on without it. */
  async files(a: ImportedArticle, t: ImportTarget, dryRun: boolean): Promise<{ body: string; attachments: Attachment[]; notes: PageNote[]; stored: string[] }> {
    const notes: PageNote[] = [];
    const stored: string[] = [];
    const keys = new Map<string, string>();
    const store = async (url: string, image: boolean, name: string): Promise<{ key: string; mime: string; size: number } | null> => {
      try {
        const r = await this.fetcher.get(url, FILE_MAX_BYTES);
        const kind = sniffImported(r.data, url);
        if (!kind || (image && kind.kind !== 'image')) throw new PageProblem(image ? `不是可用的图片：${url}` : `不支持的附件类型：${url}`);
        if (dryRun) return { key: '', mime: kind.mime, size: r.data.length };
        const now = new Date();
        const key = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomBytes(12).toString('hex')}.${kind.ext}`;
        await this.store.write(key, r.data);
        stored.push(key);
        await this.ds.query(
          `INSERT INTO uploads (key, name, mime, kind, size, uploaded_by, organisation_ids) VALUES ($1, $2, $3, $4, $5, $6, ARRAY[$7]::uuid[])`,
          [key, name.slice(0, 200) || key, kind.mime, kind.kind, r.data.length, t.actorId, t.organisationId],
        );
        return { key, mime: kind.mime, size: r.data.length };
      } catch (e) {
        if (!(e instanceof PageProblem)) throw e;
        notes.push({ url, reason: `${image ? '图片' : '附件'}无法导入：${e.reason}` });
        return null;
      }
    };
    for (const src of a.images) {
      const got = await store(src, true, decodeURIComponent(new URL(src).pathname.split('/').pop() ?? '图片'));
      if (got?.key) keys.set(src, privateUploadUrl(got.key));
      else if (!got) keys.set(src, '');
    }
    const attachments: Attachment[] = [];
    for (const f of a.attachments) {
      const got = await store(f.url, false, f.name);
      if (got?.key) {
        keys.set(f.url, privateUploadUrl(got.key));
        attachments.push({ name: f.name, url: privateUploadUrl(got.key), mime: got.mime, size: got.size });
      }
    }
    const body = sanitizeBody(rewriteFiles(a.bodyHtml, a.url, keys));
    return { body, attachments, notes, stored };
  }

  /** Writes (or updates) the item, its version, its ledger row and its portal page. */
  async write(
    a: ImportedArticle,
    t: ImportTarget,
    itemId: string,
    policyItemId: string | null,
  ): Promise<{ outcome: WriteOutcome; itemId: string; notes: PageNote[] }> {
    const hash = articleHash(a) + (policyItemId ?? '');
    const known: { item_id: string; content_hash: string; page_written: boolean }[] = await this.ds.query(
      `SELECT item_id, content_hash, page_written FROM site_import_articles WHERE organisation_id = $1 AND source_url = $2`,
      [t.organisationId, a.url],
    );
    if (known[0]?.content_hash === hash) {
      if (known[0].page_written) return { outcome: 'unchanged', itemId: known[0].item_id, notes: [] };
      // the item was written, its page not (the run stopped between the two): write the page now
      await this.publishCurrent(t, known[0].item_id, new Date(a.publishedAt), a.url);
      return { outcome: 'updated', itemId: known[0].item_id, notes: [] };
    }
    const { body, attachments, notes, stored } = await this.files(a, t, false);
    const publishedAt = new Date(a.publishedAt);
    const r = await this.transaction(stored, async (em) => {
      const id = known[0]?.item_id ?? itemId;
      const indexNo = a.indexNo ?? fallbackIndexNo(t.organisationId, a.url);
      const taken: { id: string; organisation_id: string }[] = await em.query(`SELECT id, organisation_id FROM items WHERE index_no = $1`, [indexNo]);
      if (taken[0] && taken[0].id !== id)
        throw new PageProblem(`索引号 ${indexNo} 已被${taken[0].organisation_id === t.organisationId ? '本机构另一条信息' : '其他机构的信息'}使用`);
      const fields = {
        title: a.title,
        bodyHtml: body,
        summary: a.summary,
        indexNo,
        docNo: a.docNo,
        issuingBody: a.issuingBody ?? t.organisationName,
        writtenDate: a.writtenDate,
        publishDate: a.publishDate,
        category: a.category,
        validity: a.validity,
        kind: a.kind,
        policyItemId,
        attachments,
      };
      const repo = em.getRepository(Item);
      const existing = known[0] ? await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      const versionNo = (existing?.currentVersionNo ?? 0) + 1;
      if (existing) {
        await repo.update({ id }, { ...fields, currentVersionNo: versionNo, status: 'published' });
      } else {
        await repo.insert({
          id,
          organisationId: t.organisationId,
          authorId: t.actorId,
          status: 'approved',
          ...fields,
          targetAccountIds: [t.account.id],
          currentVersionNo: versionNo,
        });
      }
      const item = (await repo.findOneByOrFail({ id })) as Item;
      const snapshot = await this.fanout.snapshot(em, item, versionNo, publishedAt);
      const v: { id: string }[] = await em.query(
        `INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id`,
        [id, versionNo, JSON.stringify(snapshot), t.actorId],
      );
      if (!existing) {
        await recordPublication(em, {
          deliveryId: null,
          itemVersionId: v[0].id,
          snapshot,
          channelType: 'portal',
          channelAccountId: t.account.id,
          reportRow: this.portal.capabilities.reportRow,
          newMedia: this.portal.capabilities.newMedia,
          publishedAt,
          externalUrl: this.portal.articleUrl(t.account, id),
          imported: true,
        });
      }
      await em.query(
        `INSERT INTO site_import_articles (organisation_id, source_url, item_id, index_no, content_hash, page_written) VALUES ($1, $2, $3, $4, $5, false)
         ON CONFLICT (organisation_id, source_url) DO UPDATE SET index_no = EXCLUDED.index_no, content_hash = EXCLUDED.content_hash, page_written = false, imported_at = now()`,
        [t.organisationId, a.url, id, indexNo, hash],
      );
      return { id, snapshot, outcome: (existing ? 'updated' : 'created') as WriteOutcome };
    });
    await this.publish(t, r.snapshot, publishedAt, a.url);
    return { outcome: r.outcome, itemId: r.id, notes };
  }

  /**
   * The item's transaction; when it fails, the files fetched for it are removed again (their rows and
   * bytes): nothing refers to them, and a later run fetches them anew.
   */
  private async transaction<T>(stored: string[], work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(work);
    } catch (e) {
      if (stored.length) {
        await this.ds.query(`DELETE FROM uploads WHERE key = ANY($1::text[])`, [stored]);
        for (const k of stored) await this.store.remove(k);
      }
      throw e;
    }
  }

  /** Writes the page of the item's current version (its original date), and records that it is written. */
  private async publishCurrent(t: ImportTarget, itemId: string, at: Date, url: string): Promise<void> {
    const rows: { snapshot: Awaited<ReturnType<FanoutService['snapshot']>> }[] = await this.ds.query(
      `SELECT v.snapshot FROM items i JOIN item_versions v ON v.item_id = i.id AND v.version_no = i.current_version_no WHERE i.id = $1`,
      [itemId],
    );
    if (!rows[0]) throw new PageProblem('导入的信息已不存在，无法写入网站页面');
    await this.publish(t, rows[0].snapshot, at, url);
  }

  private async publish(t: ImportTarget, snapshot: Awaited<ReturnType<FanoutService['snapshot']>>, at: Date, sourceUrl: string): Promise<void> {
    const writer = await this.portal.writer(t.account);
    const pub = await publicUploadsOf(this.store, snapshot, writer.site.baseUrl);
    await writer.publish(
      {
        snapshot: pub.snapshot,
        url: this.portal.articleUrl(t.account, snapshot.itemId),
        path: articlePath(snapshot.itemId),
        publishedAt: at.toISOString(),
        withdrawn: false,
      },
      pub.keys,
    );
    await this.ds.query(`UPDATE site_import_articles SET page_written = true WHERE organisation_id = $1 AND source_url = $2`, [t.organisationId, sourceUrl]);
  }
}

/** A 索引号 for a page without a catalogue table: stable for the page, so a second run finds it again. */
export function fallbackIndexNo(orgId: string, url: string): string {
  return `DR-${createHash('sha1').update(`${orgId}|${url}`).digest('hex').slice(0, 16).toUpperCase()}`;
}

/** Points the body's images and attachment links at the stored copies; an image that could not be read is dropped. */
function rewriteFiles(html: string, base: string, urls: Map<string, string>): string {
  const resolve = (raw: string): string | null => {
    try {
      const u = new URL(raw.replace(/&amp;/g, '&'), base);
      u.hash = '';
      return u.toString();
    } catch {
      return null;
    }
  };
  const swap = (tag: string, attr: string, dropWhole: boolean) =>
    tag.replace(new RegExp(`(\\b${attr}\\s*=\\s*)(["'])(.*?)\\2`, 'i'), (all, lead: string, q: string, raw: string) => {
      const abs = resolve(raw);
      if (!abs) return all;
      const to = urls.get(abs);
      if (to === '' && dropWhole) return '\u0000';
      return `${lead}${q}${to || abs}${q}`;
    });
  return html
    .replace(/<img\b[^>]*>/gi, (tag) => {
      const out = swap(tag, 'src', true);
      return out.includes('\u0000') ? '' : out;
    })
    .replace(/<a\b[^>]*>/gi, (tag) => swap(tag, 'href', false));
}
