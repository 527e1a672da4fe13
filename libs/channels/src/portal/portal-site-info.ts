import type { SiteInfo } from './portal-templates';

/** What the pages of an account's site say about the site (names, codes, public root URL); pure, shared by the adapter and `npm run portal:rebuild`. */
export function portalSiteInfo(account: { name: string; baseUrl: string; settings: Record<string, unknown> }, portalBaseUrl: string): SiteInfo {
  const baseUrl = (account.baseUrl || portalBaseUrl).replace(/\/+$/, '');
  const s = account.settings as { siteName?: string; siteDomain?: string; siteIdCode?: string };
  return {
    siteName: s.siteName ?? account.name,
    siteDomain: s.siteDomain ?? new URL(baseUrl).host,
    siteIdCode: s.siteIdCode ?? '0000000000',
    baseUrl,
  };
}
