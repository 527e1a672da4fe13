import { Inject, Injectable } from '@nestjs/common';
import * as path from 'path';
import { EntityManager } from 'typeorm';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { attachmentFieldsOf } from '@app/compliance/attachment-text';
import { ComplianceChecker } from '@app/compliance/compliance-checker';
import { extractLinks, linkFindings } from '@app/compliance/detectors/link.detector';
import { CheckField, Finding, RULES } from '@app/compliance/finding';
import { checkLinks, LinkCheckResult } from '@app/compliance/links/link-checker';
import type { Item } from '@app/domain/entities/item.entity';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { PortalUrls } from '@app/channels/engine/portal-urls.service';
import { uploadKeyOf } from '@app/channels/portal/upload-keys';
import { UploadStore } from '@app/channels/portal/upload-store';
import { ComplianceEngine } from '../compliance-engine.service';
import { AttachmentCacheStats, AttachmentTextCache } from './attachment-cache';
import { hostedUploadPath, imageSources, itemTextFields } from './item-content';

export type ScanPhase = 'save' | 'submit' | 'approve';

/** Rules that only the submit-time scan produces (network, renditions): kept as they are through approval. */
export const SUBMIT_ONLY_RULES: ReadonlySet<string> = new Set([RULES.brokenLink, RULES.refusedLink, 'link-unchecked']);
export const RENDITION_PREFIX = 'rendition.';

export function isSubmitOnly(f: { rule: string; field: string }): boolean {
  return SUBMIT_ONLY_RULES.has(f.rule) || f.field.startsWith(RENDITION_PREFIX);
}

/** Warnings kept per field: a long attachment full of one typo should not bury the findings that matter. */
const MAX_WARN_PER_FIELD = 50;
const MAX_LINKS = 50;
const LINK_BUDGET_MS = 20_000;
const LINK_CACHE_MS = 5 * 60_000;
const RENDITION_BUDGET_MS = 15_000;

interface CachedAttachment {
  fields: CheckField[];
  unreadable: Finding | null;
}

/**
 * Everything the content checks read of an item, turned into findings: its text fields, the text and
 * metadata of attachments and images we host (read from the portal directory), a warning for
 * attachments elsewhere (which nobody here can read), and — at submit — its outgoing links (through
 * the SSRF guard) and what each target channel will actually publish (the adapters' previews).
 */
@Injectable()
export class ContentScanner {
  private readonly log = componentLogger('compliance');
  private readonly attachments = new AttachmentTextCache({ maxEntries: 512, maxChars: 20_000_000, timeoutMs: 20_000 });
  private readonly links = new Map<string, { at: number; result: LinkCheckResult }>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly engine: ComplianceEngine,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly fanout: FanoutService,
    private readonly portalUrls: PortalUrls,
    private readonly uploads: UploadStore,
  ) {}

  /** The file behind an upload URL: the private store for /api/v1/uploads/..., the portal directory for legacy /site/uploads/... */
  private localFile(url: string, base: string, dir: string): string | null {
    const key = uploadKeyOf(url);
    return key ? this.uploads.filePath(key) : hostedUploadPath(url, base, dir);
  }

  checker(): Promise<ComplianceChecker> {
    return this.engine.current();
  }

  async scan(em: EntityManager, item: Item, phase: ScanPhase): Promise<Finding[]> {
    const checker = await this.engine.current();
    const textFields = itemTextFields(item);
    const own: Finding[] = [...checker.check({ fields: textFields }), ...(await this.fileFindings(checker, item))];
    const out = [...own];
    if (phase === 'submit') {
      out.push(...(await this.linkFindings(textFields)));
      out.push(...(await this.renditionFindings(em, checker, item, own)));
    }
    return capWarnings(out);
  }

  // ---------- attachments and images ----------

  private async fileFindings(checker: ComplianceChecker, item: Item): Promise<Finding[]> {
    const out: Finding[] = [];
    const fields: CheckField[] = [];
    const base = portalBaseUrl(this.config);
    const dir = portalDir(this.config);
    for (const [i, a] of (item.attachments ?? []).entries()) {
      const prefix = `attachments.${i}`;
      const local = this.localFile(a.url, base, dir);
      if (!local) {
        fields.push({ field: `${prefix}#name`, text: a.name });
        out.push({
          rule: 'attachment-external',
          severity: 'warn',
          field: `${prefix}#url`,
          start: 0,
          end: a.url.length,
          excerpt: a.name,
          message: `附件「${a.name}」是外部链接（${a.url}），系统无法读取并检查其内容，请人工核实其不含涉密信息和个人信息后再发布。`,
        });
        continue;
      }
      const r = await this.hostedFile(local, a.name, a.mime);
      if (!r) {
        fields.push({ field: `${prefix}#name`, text: a.name });
        // Nothing to leak, but the published link would be dead.
        out.push({
          rule: 'attachment-missing',
          severity: 'warn',
          field: `${prefix}#url`,
          start: 0,
          end: a.url.length,
          excerpt: a.name,
          message: `附件「${a.name}」在网站上传目录中找不到（${a.url}），发布后链接将无法打开，请重新上传。`,
        });
        continue;
      }
      fields.push(...r.fields.map((f) => ({ ...f, field: prefix + f.field })));
      if (r.unreadable) out.push({ ...r.unreadable, field: prefix + r.unreadable.field });
    }
    // Images in the body: their file names are ours (random), but EXIF/XMP text travels with the picture.
    const srcs = [...new Set(imageSources(item.bodyHtml ?? ''))];
    for (const [n, src] of srcs.entries()) {
      const local = this.localFile(src, base, dir);
      if (!local) continue;
      const r = await this.hostedFile(local, path.basename(local), undefined);
      if (r) fields.push(...r.fields.filter((f) => !f.field.endsWith('#name')).map((f) => ({ ...f, field: `bodyHtml.images.${n}${f.field}` })));
    }
    if (fields.length) out.push(...checker.check({ fields }));
    return out;
  }

  /** Extracted fields of a hosted file under the prefix '' (callers prepend theirs); null when the file is missing. */
  private async hostedFile(full: string, name: string, mime: string | undefined): Promise<CachedAttachment | null> {
    const extracted = await this.attachments.get(full, name, mime);
    return extracted ? attachmentFieldsOf('', name, extracted) : null;
  }

  /** How many hosted files were extracted, and how many answers came from the digest cache. */
  attachmentStats(): AttachmentCacheStats {
    return this.attachments.stats();
  }

  // ---------- links ----------

  private async linkFindings(fields: CheckField[]): Promise<Finding[]> {
    const own = portalBaseUrl(this.config) + '/';
    // Our own portal's pages are written by the portal adapter and may not exist until publication.
    const found = extractLinks({ fields }).filter((l) => !l.url.startsWith(own));
    if (!found.length) return [];
    const urls = [...new Set(found.map((l) => l.url))].slice(0, MAX_LINKS);
    const allowLoopback = this.config.NODE_ENV === 'test' || this.config.LINK_CHECK_ALLOW_LOOPBACK;
    const deadline = Date.now() + LINK_BUDGET_MS;
    const results = new Map<string, LinkCheckResult>();
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const url = urls[next++];
        const cached = this.links.get(url);
        if (cached && Date.now() - cached.at < LINK_CACHE_MS) {
          results.set(url, cached.result);
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) return;
        const r = await Promise.race([
          checkLinks([url], { allowLoopback, timeoutMs: Math.min(5_000, left), concurrency: 1, maxRedirects: 5 }).then((x) => x[0]),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), left + 1_000).unref()),
        ]);
        if (!r) continue;
        results.set(url, r);
        if (this.links.size > 2_000) this.links.clear();
        this.links.set(url, { at: Date.now(), result: r });
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, urls.length) }, worker));
    const checked = found.filter((l) => results.has(l.url));
    const unchecked = found.filter((l) => !results.has(l.url));
    const out = linkFindings(checked, [...results.values()]);
    for (const l of unchecked) {
      out.push({
        rule: 'link-unchecked',
        severity: 'warn',
        field: l.field,
        start: l.start,
        end: l.end,
        excerpt: l.url,
        message: `外部链接未能在时限内完成检查：${l.url}。请人工核实链接可以正常访问。`,
      });
    }
    return out;
  }

  // ---------- channel renditions ----------

  /**
   * What each target channel will publish (the adapters' own previews: a WeChat digest cut from the
   * body, an LED text, the portal page with its metadata table), checked again. Only findings not
   * already raised on the item's own fields are reported, attributed to the channel.
   */
  private async renditionFindings(em: EntityManager, checker: ComplianceChecker, item: Item, own: Finding[]): Promise<Finding[]> {
    if (!item.targetAccountIds?.length) return [];
    const seen = new Set(own.map((f) => `${f.rule}|${f.excerpt}`));
    const out: Finding[] = [];
    const deadline = Date.now() + RENDITION_BUDGET_MS;
    let snapshot;
    try {
      snapshot = await this.fanout.snapshot(em, item, item.currentVersionNo + 1, new Date());
    } catch (e) {
      this.log.warn({ item: item.id, err: (e as Error).message }, 'rendition check skipped: no snapshot');
      return [];
    }
    const portalUrl = await this.portalUrls.urlFor(item.id, item.organisationId, em);
    for (const accountId of item.targetAccountIds) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const { row, account } = await this.accounts.load(accountId, em);
        if (!this.registry.has(row.channelType)) continue;
        const adapter = this.registry.get(row.channelType);
        const preview = await Promise.race([
          adapter.preview(snapshot, account, portalUrl),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), left).unref()),
        ]);
        if (!preview) break;
        const at = `${RENDITION_PREFIX}${accountId}`;
        const fields: CheckField[] = [];
        if (preview.html) fields.push({ field: `${at}.html`, text: preview.html, html: true });
        if (preview.text) fields.push({ field: `${at}.text`, text: preview.text });
        for (const [k, v] of Object.entries(preview.meta ?? {})) {
          if (typeof v === 'string' && v && !/^https?:\/\//.test(v)) fields.push({ field: `${at}.meta.${k}`, text: v });
        }
        const where = `${adapter.capabilities.label}「${row.name}」的发布稿`;
        for (const f of checker.check({ fields })) {
          const k = `${f.rule}|${f.excerpt}`;
          if (seen.has(k)) continue;
          seen.add(k);
          out.push({ ...f, message: `${where}：${f.message}` });
        }
      } catch (e) {
        // The channel's own validation reports what keeps it from rendering; nothing to check here.
        this.log.debug({ item: item.id, account: accountId, err: (e as Error).message }, 'rendition check skipped');
      }
    }
    return out;
  }
}

function capWarnings(findings: Finding[]): Finding[] {
  const perField = new Map<string, number>();
  return findings.filter((f) => {
    if (f.severity !== 'warn') return true;
    const n = (perField.get(f.field) ?? 0) + 1;
    perField.set(f.field, n);
    return n <= MAX_WARN_PER_FIELD;
  });
}
