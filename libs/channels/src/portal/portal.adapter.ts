import { Inject, Injectable } from '@nestjs/common';
import * as path from 'path';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import {
  AdapterAccount,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelPreview,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  ReconcileResult,
} from '../channel-adapter';
import { PortalSiteWriter } from './portal-site.writer';
import { articlePath, renderArticle, SiteInfo } from './portal-templates';

/**
 * The portal (政府门户网站), the first platform of disclosure: static pages written atomically into a
 * directory any web server can serve. Account settings: siteName, siteDomain, siteIdCode, directory
 * (default PORTAL_DIR); the account's baseUrl is the public URL of the site root.
 */
@Injectable()
export class PortalAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'portal',
    label: '政府网站',
    reportRow: 'portal',
    canUpdate: true,
    canWithdraw: true,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    limits: { titleMaxChars: 200 },
    concurrencyPerAccount: 4,
  };

  private writers = new Map<string, PortalSiteWriter>();

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  site(account: AdapterAccount): SiteInfo {
    const baseUrl = (account.baseUrl || portalBaseUrl(this.config)).replace(/\/+$/, '');
    return {
      siteName: account.settings.siteName ?? account.name,
      siteDomain: account.settings.siteDomain ?? new URL(baseUrl).host,
      siteIdCode: account.settings.siteIdCode ?? '0000000000',
      baseUrl,
    };
  }

  writer(account: AdapterAccount): PortalSiteWriter {
    const dir = path.resolve(account.settings.directory ?? portalDir(this.config));
    const key = `${dir}|${account.baseUrl}`;
    let w = this.writers.get(key);
    if (!w) {
      w = new PortalSiteWriter(dir, this.site(account));
      this.writers.set(key, w);
    }
    return w;
  }

  /** Public URL of an item's article page on this account's site. */
  articleUrl(account: AdapterAccount, itemId: string): string {
    return `${this.site(account).baseUrl}/${articlePath(itemId)}`;
  }

  async validate(v: ItemSnapshot): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    if (!v.title.trim()) problems.push({ field: 'title', reason: '标题不能为空' });
    if (v.title.length > 200) problems.push({ field: 'title', reason: '网站标题不能超过200字' });
    if (!v.bodyHtml.trim() && !v.attachments.length) problems.push({ field: 'bodyHtml', reason: '正文和附件不能都为空' });
    return problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount): Promise<ChannelPreview> {
    const url = this.articleUrl(account, v.itemId);
    const html = renderArticle(this.site(account), { snapshot: v, url, path: articlePath(v.itemId), publishedAt: new Date().toISOString(), withdrawn: false }, { interpretations: [] });
    return { channelType: 'portal', html, meta: { url }, problems: await this.validate(v) };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    const url = this.articleUrl(ctx.account, ctx.version.itemId);
    const started = Date.now();
    try {
      await this.writer(ctx.account).publish({
        snapshot: ctx.version,
        url,
        path: articlePath(ctx.version.itemId),
        publishedAt: new Date().toISOString(),
        withdrawn: false,
      });
    } catch (e) {
      // A full disk or a read-only directory will not fix itself by retrying the same call forever,
      // but it is an operator problem worth retrying a few times: surface the OS code.
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      await ctx.logAttempt({ call: `write ${url}`, errorCode: code, message: String(e), durationMs: Date.now() - started });
      if (code === 'EACCES' || code === 'EROFS') throw new PermanentError(code, `网站目录不可写：${(e as Error).message}`);
      throw e;
    }
    await ctx.logAttempt({ call: `write ${url}`, response: 'ok', durationMs: Date.now() - started });
    return { status: 'published', externalId: ctx.version.itemId, externalUrl: url };
  }

  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    const a = await this.writer(ctx.account).readArticle(ctx.version.itemId);
    if (a && !a.withdrawn && a.snapshot.versionNo === ctx.version.versionNo) {
      return { found: true, status: 'published', externalId: ctx.version.itemId, externalUrl: a.url };
    }
    return { found: false };
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    const started = Date.now();
    await this.writer(ctx.account).withdraw(ctx.version.itemId, ctx.checkpoint.withdrawReason ?? null, new Date());
    await ctx.logAttempt({ call: `withdraw ${this.articleUrl(ctx.account, ctx.version.itemId)}`, response: 'ok', durationMs: Date.now() - started });
  }
}
