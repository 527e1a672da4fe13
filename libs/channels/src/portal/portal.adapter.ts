import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { constants as fsConstants, promises as fs } from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { AccountCapabilityCheck, AccountCheckResult } from '../account-check.types';
import {
  AccountCheckContext,
  AccountSite,
  AdapterAccount,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelPreview,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  ReconcileResult,
} from '../channel-adapter';
import {
  defaultSiteKey,
  portalSiteLocation,
  resolveSiteDirectory,
  SiteDirectoryError,
  siteKeyOfSetting,
  validatePortalDirectorySetting,
} from './portal-directory';
import { PortalSiteWriter } from './portal-site.writer';
import { PgPortalState } from './pg-portal-state';
import { portalSiteInfo } from './portal-site-info';
import { articlePath, renderArticle, SiteInfo } from './portal-templates';
import { copyUploadInto, publicUploadsOf } from './publish-uploads';
import { UploadStore } from './upload-store';
import { PORTAL_CREDENTIALS_SCHEMA, PORTAL_OVERRIDE_SCHEMA, PORTAL_SETTINGS_SCHEMA } from './portal-schema';

/** Whether the directory (or, before it exists, the nearest folder above it that does) may be written. */
async function nearestWritable(dir: string): Promise<boolean> {
  for (let p = dir; ; p = path.dirname(p)) {
    try {
      await fs.access(p, fsConstants.W_OK);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(p) === p) return false;
    }
  }
}

/**
 * The portal (政府门户网站), the first platform of disclosure: static pages written atomically into a
 * directory any web server can serve. Account settings: siteName, siteDomain, siteIdCode, directory
 * (a relative path inside PORTAL_DIR; by default the path of the account's URL below PORTAL_BASE_URL,
 * else sites/<organisation code>); the account's baseUrl is the public URL of the site root. One
 * organisation owns each site directory (portal_sites). Publication copies the private uploads the
 * version uses into the site (uploads/<key>) and points the page at the copies.
 */
@Injectable()
export class PortalAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'portal',
    label: '政府网站',
    reportRow: 'portal',
    newMedia: false,
    staleness: { maxDays: 30, label: '网站栏目长期未更新', per: 'column' },
    settingsSchema: PORTAL_SETTINGS_SCHEMA,
    credentialsSchema: PORTAL_CREDENTIALS_SCHEMA,
    overrideSchema: PORTAL_OVERRIDE_SCHEMA,
    canUpdate: true,
    canWithdraw: true,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    publicPage: { pagePath: `/${articlePath('{itemId}')}` },
    limits: { titleMaxChars: 200 },
    concurrencyPerAccount: 4,
  };

  /** One organisation per site directory under PORTAL_DIR (the admin API checks it when an account is saved). */
  readonly siteClaim: AccountSite = { field: 'settings.directory', location: portalSiteLocation };

  /** At save: the directory as the writer accepts it (inside PORTAL_DIR, plain names); a site name that is there but blank. */
  accountProblems(settings: Record<string, unknown>): FieldProblem[] {
    const p = validatePortalDirectorySetting(settings.directory);
    const blank = typeof settings.siteName === 'string' && !settings.siteName.trim();
    return [...(p ? [p] : []), ...(blank ? [{ field: 'settings.siteName', reason: '网站名称不能为空白' }] : [])];
  }

  private writers = new Map<string, PortalSiteWriter>();
  /** Site directories known to be claimed, by organisation (a claim never changes hands). */
  private owners = new Map<string, string>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly uploads: UploadStore,
  ) {}

  site(account: AdapterAccount): SiteInfo {
    return portalSiteInfo(account, portalBaseUrl(this.config));
  }

  /** The account's site key, or the problem that keeps it from having one (bad setting, another organisation's site). */
  async siteKey(account: AdapterAccount): Promise<{ key: string } | { problem: string }> {
    const setting = account.settings.directory;
    let key: string;
    if (setting !== undefined && setting !== null) {
      const p = validatePortalDirectorySetting(setting);
      if (p) return { problem: `网站目录设置无效（请联系管理员）：${p.reason}` };
      key = siteKeyOfSetting(setting);
    } else {
      const rows = await this.ds.query(`SELECT code FROM organisations WHERE id = $1`, [account.organisationId]);
      key = defaultSiteKey(account.baseUrl || portalBaseUrl(this.config), portalBaseUrl(this.config), rows[0]?.code ?? account.organisationId);
    }
    try {
      await resolveSiteDirectory(portalDir(this.config), key);
    } catch (e) {
      if (e instanceof SiteDirectoryError) return { problem: `网站目录设置无效（请联系管理员）：${e.message}` };
      throw e;
    }
    const owner = await this.ownerOf(key);
    if (owner && owner !== account.organisationId) {
      return { problem: `网站目录「${key || '（网站根目录）'}」已由其他机构的网站使用，请联系管理员为本账号设置单独的网站目录` };
    }
    return { key };
  }

  private async ownerOf(key: string): Promise<string | null> {
    const known = this.owners.get(key);
    if (known) return known;
    const rows = await this.ds.query(`SELECT organisation_id FROM portal_sites WHERE site_key = $1`, [key]);
    if (rows[0]) this.owners.set(key, rows[0].organisation_id);
    return rows[0]?.organisation_id ?? null;
  }

  /** The writer of the account's site; claims the site directory for the account's organisation. */
  async writer(account: AdapterAccount): Promise<PortalSiteWriter> {
    const r = await this.siteKey(account);
    if ('problem' in r) throw new PermanentError('PORTAL_DIRECTORY', r.problem);
    if (!this.owners.has(r.key)) {
      await this.ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [r.key, account.organisationId]);
    }
    if ((await this.ownerOf(r.key)) !== account.organisationId) throw new PermanentError('PORTAL_DIRECTORY', `网站目录「${r.key}」已由其他机构的网站使用`);
    const dir = await resolveSiteDirectory(portalDir(this.config), r.key);
    const site = this.site(account);
    const cacheKey = `${dir}|${site.baseUrl}|${site.siteName}|${site.siteDomain}|${site.siteIdCode}`;
    let w = this.writers.get(cacheKey);
    if (!w) {
      w = new PortalSiteWriter(dir, site, new PgPortalState(this.ds, r.key), async (key, dest) => {
        try {
          await copyUploadInto(this.uploads, key, dest);
        } catch (e) {
          if ((e as { code?: string }).code === 'UPLOAD_MISSING')
            throw new PermanentError('UPLOAD_MISSING', `附件或图片文件已不存在（${key}），请重新上传后再发布`);
          throw e;
        }
      });
      this.writers.set(cacheKey, w);
    }
    return w;
  }

  /**
   * 测试连接 for a site: the directory the account writes (its setting valid, inside PORTAL_DIR, not
   * another organisation's site) and whether it can be written there. Harmless: it creates nothing and
   * claims nothing.
   */
  async checkAccount(ctx: AccountCheckContext): Promise<AccountCheckResult> {
    const site = this.site(ctx.account);
    const address: AccountCapabilityCheck = { key: 'address', label: '网站地址', ok: true, detail: `文章页面发布在 ${site.baseUrl}/ 之下` };
    const r = await this.siteKey(ctx.account);
    if ('problem' in r) {
      return { ok: false, capabilities: [{ key: 'directory', label: '网站目录', ok: false, detail: r.problem }, address], problems: [r.problem] };
    }
    const dir = await resolveSiteDirectory(portalDir(this.config), r.key);
    const name = r.key || '（网站根目录）';
    const writable = await nearestWritable(dir);
    const directory: AccountCapabilityCheck = writable
      ? { key: 'directory', label: '网站目录', ok: true, detail: `网站目录「${name}」可以写入` }
      : { key: 'directory', label: '网站目录', ok: false, detail: `网站目录「${name}」不可写入，请联系管理员检查目录权限` };
    return { ok: writable, capabilities: [directory, address], problems: writable ? [] : [directory.detail] };
  }

  /** Public URL of an item's article page on this account's site. */
  articleUrl(account: AdapterAccount, itemId: string): string {
    return `${this.site(account).baseUrl}/${articlePath(itemId)}`;
  }

  async validate(v: ItemSnapshot, account?: AdapterAccount): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    if (!v.title.trim()) problems.push({ field: 'title', reason: '标题不能为空' });
    if (v.title.length > 200) problems.push({ field: 'title', reason: '网站标题不能超过200字' });
    if (!v.bodyHtml.trim() && !v.attachments.length) problems.push({ field: 'bodyHtml', reason: '正文和附件不能都为空' });
    if (account) {
      const r = await this.siteKey(account);
      if ('problem' in r) problems.push({ field: 'account', reason: r.problem });
    }
    return problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount): Promise<ChannelPreview> {
    const url = this.articleUrl(account, v.itemId);
    const html = renderArticle(
      this.site(account),
      { snapshot: v, url, path: articlePath(v.itemId), publishedAt: new Date().toISOString(), withdrawn: false },
      { interpretations: [] },
    );
    return { channelType: 'portal', html, meta: { url }, problems: await this.validate(v, account) };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    const url = this.articleUrl(ctx.account, ctx.version.itemId);
    const started = Date.now();
    try {
      const writer = await this.writer(ctx.account);
      const { snapshot, keys } = await publicUploadsOf(this.uploads, ctx.version, writer.site.baseUrl);
      await writer.publish({ snapshot, url, path: articlePath(ctx.version.itemId), publishedAt: new Date().toISOString(), withdrawn: false }, keys);
    } catch (e) {
      if (e instanceof PermanentError) {
        await ctx.logAttempt({ call: `write ${url}`, errorCode: e.code, message: e.message, durationMs: Date.now() - started });
        throw e;
      }
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
    const a = await (await this.writer(ctx.account)).readArticle(ctx.version.itemId);
    if (a && !a.withdrawn && a.snapshot.versionNo === ctx.version.versionNo) {
      return { found: true, status: 'published', externalId: ctx.version.itemId, externalUrl: a.url };
    }
    return { found: false };
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    const started = Date.now();
    await (await this.writer(ctx.account)).withdraw(ctx.version.itemId, new Date());
    await ctx.logAttempt({ call: `withdraw ${this.articleUrl(ctx.account, ctx.version.itemId)}`, response: 'ok', durationMs: Date.now() - started });
  }
}
