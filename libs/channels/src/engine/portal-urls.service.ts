import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, portalBaseUrl } from '@app/common/config/app-config';
import { ChannelRegistry } from '../channel-registry';

/**
 * The public URL of an item's page, which other channels link to (Weibo must carry it, WeChat's
 * 阅读原文). The page is hosted by a channel whose capabilities declare `publicPage` (the portal): the
 * organisation's nearest account of such a channel (its own or an ancestor's) decides the site; without
 * one, the installation's PORTAL_BASE_URL. The engine names no channel: it reads the capability.
 */
@Injectable()
export class PortalUrls {
  /** The base URL changes only when an admin edits an account: a short cache spares a query per delivery. */
  private cache = new Map<string, { at: number; base: string; pagePath: string }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    // The registry is looked up when first needed: adapters (WeChat, Weibo) use this service, and the
    // registry holds the adapters, so injecting it here would be a cycle.
    private readonly modules: ModuleRef,
  ) {}

  /** The channel types hosting public pages, with their page paths (the first is the fallback's). */
  private pageHosts(): { type: string; pagePath: string }[] {
    return this.modules
      .get(ChannelRegistry, { strict: false })
      .capabilities()
      .flatMap((c) => (c.publicPage ? [{ type: c.type, pagePath: c.publicPage.pagePath }] : []));
  }

  /** The site root of the organisation's public pages and the page path below it. */
  async siteFor(organisationId: string, em?: Pick<EntityManager, 'query'>): Promise<{ base: string; pagePath: string }> {
    const hosts = this.pageHosts();
    const rows = hosts.length
      ? await (em ?? this.ds).query(
          `SELECT a.base_url, a.channel_type FROM organisations o
             JOIN organisations anc ON o.path LIKE anc.path || '%'
             JOIN channel_accounts a ON a.organisation_id = anc.id AND a.channel_type = ANY($2::text[]) AND a.enabled
            WHERE o.id = $1 AND a.base_url <> ''
            ORDER BY length(anc.path) DESC LIMIT 1`,
          [organisationId, hosts.map((h) => h.type)],
        )
      : [];
    const host = hosts.find((h) => h.type === rows[0]?.channel_type) ?? hosts[0];
    return { base: (rows[0]?.base_url ?? portalBaseUrl(this.config)).replace(/\/+$/, ''), pagePath: host?.pagePath ?? '/{itemId}.html' };
  }

  /** The site root of the organisation's public pages. */
  async baseFor(organisationId: string, em?: Pick<EntityManager, 'query'>): Promise<string> {
    return (await this.siteFor(organisationId, em)).base;
  }

  /** Pass the caller's EntityManager inside a transaction (a second pool connection there can deadlock a busy pool). */
  async urlFor(itemId: string, organisationId: string, em?: Pick<EntityManager, 'query'>): Promise<string> {
    let hit = this.cache.get(organisationId);
    if (!hit || Date.now() - hit.at > 30_000) {
      hit = { at: Date.now(), ...(await this.siteFor(organisationId, em)) };
      this.cache.set(organisationId, hit);
    }
    return `${hit.base}${hit.pagePath.replace('{itemId}', itemId)}`;
  }
}
