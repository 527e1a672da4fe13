import { DataSource } from 'typeorm';
import { AppConfig, loadConfigPart, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import { appDataSourceOptions } from '@app/composition/app-database';
import { portalSiteLocation, resolveSiteDirectory } from '@app/channels/portal/portal-directory';
import { PgPortalState } from '@app/channels/portal/pg-portal-state';
import { PortalSiteWriter } from '@app/channels/portal/portal-site.writer';
import { portalSiteInfo } from '@app/channels/portal/portal-site-info';

export interface PortalRebuildIo {
  out(line: string): void;
}

export class PortalRebuildError extends Error {}

/** `--site /` names the root site (the county's, served at /site/); any other value is a site key as in portal_sites. */
export const ROOT_SITE = '/';

/**
 * `npm run portal:rebuild -- --site <key>` or `-- --all`: rewrites every page of a site (articles, paged
 * lists, sitemaps, RSS) from Postgres. The articles are read in keyset batches of their site numbers,
 * each written under the site lock, so the worker may keep publishing meanwhile; progress goes out as
 * done/total after each batch. Sites are found in portal_sites; each is rendered with the names of the
 * owning organisation's portal account that writes there.
 */
export async function portalRebuild(
  databaseUrl: string,
  opts: Record<string, string>,
  io: PortalRebuildIo,
  env?: Record<string, string | undefined>,
): Promise<void> {
  const all = opts.all !== undefined;
  if (all === (opts.site !== undefined)) throw new PortalRebuildError('give either --site <key> (--site / for the root site) or --all');
  // env: for tests; otherwise the process's environment, read by the config module
  const keys = ['PORTAL_DIR', 'PORTAL_BASE_URL', 'DATA_DIR', 'PORT'] as const;
  const cfg = (env ? loadConfigPart(keys, env) : loadConfigPart(keys)) as AppConfig;
  const ds = new DataSource(appDataSourceOptions(databaseUrl));
  await ds.initialize();
  try {
    const wanted = all ? null : opts.site === ROOT_SITE ? '' : opts.site.replace(/\/+$/, '');
    const sites: { site_key: string; organisation_id: string; code: string; name: string }[] = await ds.query(
      `SELECT s.site_key, s.organisation_id, o.code, o.name FROM portal_sites s JOIN organisations o ON o.id = s.organisation_id
        WHERE $1::text IS NULL OR s.site_key = $1 ORDER BY s.site_key`,
      [wanted],
    );
    if (!sites.length) throw new PortalRebuildError(all ? 'no portal sites yet' : `no portal site ${opts.site} (see portal_sites)`);
    const base = portalBaseUrl(cfg);
    let grand = 0;
    const t0 = Date.now();
    for (const s of sites) {
      const label = s.site_key || ROOT_SITE;
      const accounts: { name: string; base_url: string; settings: Record<string, unknown> }[] = await ds.query(
        `SELECT name, base_url, settings FROM channel_accounts WHERE channel_type = 'portal' AND organisation_id = $1 ORDER BY enabled DESC, created_at`,
        [s.organisation_id],
      );
      const account = accounts.find((a) => portalSiteLocation({ baseUrl: a.base_url, settings: a.settings, orgCode: s.code }, base) === s.site_key);
      if (!account) {
        io.out(`site ${label}: skipped, no portal account of ${s.name} writes there any more`);
        continue;
      }
      const dir = await resolveSiteDirectory(portalDir(cfg), s.site_key);
      const writer = new PortalSiteWriter(
        dir,
        portalSiteInfo({ name: account.name, baseUrl: account.base_url, settings: account.settings }, base),
        new PgPortalState(ds, s.site_key),
      );
      const started = Date.now();
      const r = await writer.rebuild({ articles: true, progress: (done, total) => io.out(`site ${label}: ${done}/${total} articles`) });
      const secs = (Date.now() - started) / 1000;
      grand += r.articles;
      io.out(
        `site ${label}: rebuilt ${r.articles} articles, ${writer.filesWritten} files in ${secs.toFixed(1)} s (${Math.round(r.articles / Math.max(secs, 0.001))} articles/s)`,
      );
    }
    io.out(`done: ${sites.length} site(s), ${grand} articles in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await ds.destroy();
  }
}
