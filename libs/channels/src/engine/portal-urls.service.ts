import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, portalBaseUrl } from '@app/common/config/app-config';

/**
 * The public URL of an item's portal page, which other channels link to (Weibo must carry it, WeChat's
 * 阅读原文). The organisation's nearest portal account (its own or an ancestor's) decides the site;
 * without one, the installation's PORTAL_BASE_URL.
 */
@Injectable()
export class PortalUrls {
  /** The base URL changes only when an admin edits a portal account; a short cache spares a query per delivery. */
  private cache = new Map<string, { at: number; base: string }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async baseFor(organisationId: string, em?: Pick<EntityManager, 'query'>): Promise<string> {
    const rows = await (em ?? this.ds).query(
      `SELECT a.base_url FROM organisations o
         JOIN organisations anc ON o.path LIKE anc.path || '%'
         JOIN channel_accounts a ON a.organisation_id = anc.id AND a.channel_type = 'portal' AND a.enabled
        WHERE o.id = $1 AND a.base_url <> ''
        ORDER BY length(anc.path) DESC LIMIT 1`,
      [organisationId],
    );
    return (rows[0]?.base_url ?? portalBaseUrl(this.config)).replace(/\/+$/, '');
  }

  /** Pass the caller's EntityManager inside a transaction (a second pool connection there can deadlock a busy pool). */
  async urlFor(itemId: string, organisationId: string, em?: Pick<EntityManager, 'query'>): Promise<string> {
    let hit = this.cache.get(organisationId);
    if (!hit || Date.now() - hit.at > 30_000) {
      hit = { at: Date.now(), base: await this.baseFor(organisationId, em) };
      this.cache.set(organisationId, hit);
    }
    return `${hit.base}/articles/${itemId}.html`;
  }
}
