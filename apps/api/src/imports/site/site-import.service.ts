import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppConfig, importAllowedHosts } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { componentLogger } from '@app/common/logging/logger';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { ImportFetcher } from '@app/imports/site/import-fetcher';
import { SiteImportQueue } from '@app/imports/site/site-import.queue';
import type { SiteImportView } from '@app/imports/site/site-import.types';
import type { StartSiteImportDto } from './site-import.dto';

const MAX_PAGES_SHOWN = 2000;

/** Starts site imports (checked, recorded, queued for the worker) and reports their progress. */
@Injectable()
export class SiteImportService {
  private readonly log = componentLogger('site-import');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly queue: SiteImportQueue,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
  ) {}

  async start(user: AuthUser, dto: StartSiteImportDto): Promise<{ id: string }> {
    await this.scope.assertRole(user, dto.organisationId, rolesFor('import.site'));
    // the account once: its organisation and channel, then its 测试连接 (the site must be writable before
    // anything is read: a directory problem would fail every page)
    const loaded = await this.accounts.load(dto.accountId).catch((e: Error) => {
      if (e.name === 'EntityNotFoundError') return null;
      throw e;
    });
    if (!loaded || loaded.row.organisationId !== dto.organisationId || loaded.row.channelType !== 'portal') {
      throw AppError.validation([{ field: 'accountId', reason: '须为该机构的政府网站账号' }]);
    }
    const adapter = this.registry.get(loaded.row.channelType);
    const check = adapter.checkAccount ? await adapter.checkAccount({ account: loaded.account }) : null;
    if (check && !check.ok) {
      const reason = check.problems.join('；');
      throw AppError.unprocessable('IMPORT_ACCOUNT_NOT_READY', `该政府网站账号还不能发布，请先在“账号设置向导”中处理：${reason}`, [
        { field: 'accountId', reason },
      ]);
    }
    const refusal = await new ImportFetcher({ allowedHosts: importAllowedHosts(this.config), intervalMs: 0 }).refusal(dto.sitemapUrl);
    if (refusal) throw AppError.unprocessable('IMPORT_SOURCE_REFUSED', `不能从该地址导入：${refusal}`, [{ field: 'sitemapUrl', reason: refusal }]);
    const id = await this.ds.transaction(async (em) => {
      const r: { id: string }[] = await em.query(
        `INSERT INTO site_imports (organisation_id, account_id, source_url, dry_run, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [dto.organisationId, dto.accountId, dto.sitemapUrl, dto.dryRun ?? false, user.id],
      );
      await this.audit.record(em, {
        actorId: user.id,
        action: 'import.site.start',
        entityType: 'site_import',
        entityId: r[0].id,
        organisationId: dto.organisationId,
        details: { sitemapUrl: dto.sitemapUrl, accountId: dto.accountId, dryRun: dto.dryRun ?? false },
      });
      return r[0].id;
    });
    // Redis down: the import stays queued, and the worker puts it on the queue when it starts.
    await this.queue.enqueue(id).catch((e) => this.log.warn({ importId: id, err: (e as Error).message }, 'site import enqueue failed'));
    return { id };
  }

  private async load(user: AuthUser, id: string) {
    const rows = isUuid(id) ? await this.ds.query(`SELECT * FROM site_imports WHERE id = $1`, [id]) : [];
    if (!rows[0]) throw AppError.notFound('导入任务', id);
    const chain = await this.scope.getOrg(rows[0].organisation_id);
    if (!user.roles.some((r) => chain.path.split('/').includes(r.organisationId))) throw AppError.notFound('导入任务', id);
    this.scope.requireRole(user, chain, rolesFor('import.site'));
    return rows[0];
  }

  async view(user: AuthUser, id: string): Promise<SiteImportView> {
    const imp = await this.load(user, id);
    const pages = await this.ds.query(
      `SELECT url, state, reason, problems, title, index_no, published_at, item_id, outcome FROM site_import_pages WHERE import_id = $1 ORDER BY seq LIMIT $2`,
      [id, MAX_PAGES_SHOWN],
    );
    const [c] = await this.ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'done')::int AS done, count(*) FILTER (WHERE state = 'failed')::int AS failed
         FROM site_import_pages WHERE import_id = $1`,
      [id],
    );
    const bj = (d: Date | null) => (d ? new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 10) : null);
    return {
      id: imp.id,
      organisationId: imp.organisation_id,
      accountId: imp.account_id,
      sitemapUrl: imp.source_url,
      dryRun: imp.dry_run,
      state: imp.state,
      counts: { done: c.done, total: Math.max(c.total, imp.total), failed: c.failed },
      error: imp.error,
      problems: pages.flatMap((p: { url: string; reason: string | null; problems: { url: string; reason: string }[] }) => [
        ...(p.reason ? [{ url: p.url, reason: p.reason }] : []),
        ...(p.problems ?? []).map((x) => ({ url: p.url, reason: x.reason.includes(x.url) ? x.reason : `${x.reason}（${x.url}）` })),
      ]),
      pages: pages.map((p: any) => ({
        url: p.url,
        state: p.state,
        title: p.title,
        indexNo: p.index_no,
        publishDate: bj(p.published_at),
        itemId: p.state === 'done' ? p.item_id : null,
        outcome: p.outcome,
      })),
      createdAt: new Date(imp.created_at).toISOString(),
      finishedAt: imp.finished_at ? new Date(imp.finished_at).toISOString() : null,
    };
  }

  async pause(user: AuthUser, id: string): Promise<SiteImportView> {
    await this.load(user, id);
    const r = await this.ds.query(
      `UPDATE site_imports SET state = 'paused', updated_at = now() WHERE id = $1 AND state IN ('queued', 'running') RETURNING id`,
      [id],
    );
    if (!r[1]) throw AppError.conflict('IMPORT_NOT_RUNNING', '该导入任务不在进行中，无需暂停');
    return this.view(user, id);
  }

  async resume(user: AuthUser, id: string): Promise<SiteImportView> {
    await this.load(user, id);
    const r = await this.ds.query(
      `UPDATE site_imports SET state = 'queued', error = NULL, finished_at = NULL, updated_at = now() WHERE id = $1 AND state IN ('paused', 'failed') RETURNING id`,
      [id],
    );
    if (!r[1]) throw AppError.conflict('IMPORT_NOT_PAUSED', '只有已暂停或已失败的导入任务可以继续');
    await this.queue.enqueue(id).catch((e) => this.log.warn({ importId: id, err: (e as Error).message }, 'site import enqueue failed'));
    return this.view(user, id);
  }
}
