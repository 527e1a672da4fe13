import type { Request, Response } from 'express';
import { AppError } from '@app/common/errors/app-error';

/**
 * Where a request's access token comes from, and the console's cookie.
 *
 * API clients send `Authorization: Bearer …` (or `?access_token=` where a client cannot set headers).
 * The console never sees its token: sign-in sets it in an HttpOnly, SameSite=Strict cookie scoped to
 * /api, so no script on the origin (a page under /site/ included) can read it. A cookie rides along
 * on requests the browser makes by itself, so an unsafe request authenticated by the cookie must also
 * carry CONSOLE_HEADER, which no cross-site form or image can add (and no cross-origin script can
 * without CORS, which the API does not grant).
 */
export const SESSION_COOKIE = 'gd_session';
export const CONSOLE_HEADER = 'x-requested-with';
export const CONSOLE_HEADER_VALUE = 'gd-console';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestToken {
  token: string;
  via: 'bearer' | 'query' | 'cookie';
}

export function requestToken(req: Request): RequestToken | null {
  const header = req.headers?.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7), via: 'bearer' };
  const q = req.query?.access_token;
  if (typeof q === 'string' && q) return { token: q, via: 'query' };
  const c = readCookie(req.headers?.cookie, SESSION_COOKIE);
  return c ? { token: c, via: 'cookie' } : null;
}

/** Whether the request says it comes from the console (its requests always carry the header). */
export function fromConsole(req: Request): boolean {
  return req.headers?.[CONSOLE_HEADER] === CONSOLE_HEADER_VALUE;
}

/** Refuses an unsafe request authenticated by the cookie alone (cross-site request forgery). */
export function assertNotForged(req: Request, t: RequestToken): void {
  if (t.via === 'cookie' && !SAFE_METHODS.has(req.method) && !fromConsole(req)) {
    throw AppError.forbidden('CSRF_REFUSED', '请求来源无法确认，请刷新页面后重试');
  }
}

/** Sets the session cookie: for the browser session only, or `maxAgeSeconds` when the user asked to stay signed in. */
export function setSessionCookie(req: Request, res: Response, token: string, maxAgeSeconds: number | null): void {
  res.append('Set-Cookie', cookie(req, `${SESSION_COOKIE}=${token}`, maxAgeSeconds));
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', cookie(req, `${SESSION_COOKIE}=`, 0));
}

function cookie(req: Request, pair: string, maxAgeSeconds: number | null): string {
  // Secure whenever the browser reached us over https (directly or through a proxy saying so): a
  // plain-http deployment (npm start on 127.0.0.1) still signs in.
  const https =
    req.secure ||
    String(req.headers?.['x-forwarded-proto'] ?? '')
      .split(',')[0]
      .trim() === 'https';
  return [pair, 'Path=/api', 'HttpOnly', 'SameSite=Strict', ...(maxAgeSeconds !== null ? [`Max-Age=${maxAgeSeconds}`] : []), ...(https ? ['Secure'] : [])].join(
    '; ',
  );
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
