import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response the api process sends (API, console, docs, Bull Board, portal).
 *
 * The console (a Vite build: module scripts and styles from its own origin) gets a policy that runs
 * only its own scripts: no inline script, no eval, no plugins, no framing, requests only to its own
 * origin. Styles may be inline (the rich-text editor and charts inject style elements; style cannot
 * run script). Images may be data: and blob: URLs (previews, downloads).
 *
 * The portal under /site/ is static HTML written from reviewed items: it needs no script, so none may
 * run there, nor may it call anything. The console's session cookie (HttpOnly, Path=/api) is out of a
 * page script's reach anyway; this policy also stops a page from using it. In production the portal
 * is better served from its own host (README, "Security").
 */
const COMMON = {
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  // a government domain may have plain-http subdomains: HSTS for this host only
  strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
  crossOriginEmbedderPolicy: false,
  xPoweredBy: false as const,
};

export const CONSOLE_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export const SITE_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'media-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function securityHeaders(): RequestHandler {
  // Cross-Origin-Resource-Policy same-origin: no other site may embed the API's answers. The console's
  // preview frames are same-origin (sandbox="allow-same-origin", no scripts), so their images load; an
  // opaque-origin frame would be refused here and would not send the SameSite=Strict cookie anyway.
  const consoleHeaders = helmet({
    ...COMMON,
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // Other sites may embed the portal's images (a WeChat article links to them): resources are cross-origin.
  const siteHeaders = helmet({
    ...COMMON,
    contentSecurityPolicy: { useDefaults: false, directives: SITE_CSP },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path === '/site' || req.path.startsWith('/site/') ? siteHeaders : consoleHeaders)(req, res, next);
}

/** Express `trust proxy` from TRUST_PROXY: '' none, a hop count, or a list of addresses and subnets. */
export function trustProxy(setting: string): boolean | number | string {
  const s = setting.trim();
  if (!s) return false;
  return /^\d+$/.test(s) ? Number(s) : s;
}
