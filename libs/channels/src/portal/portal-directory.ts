import { promises as fs } from 'fs';
import * as path from 'path';
import type { FieldProblem } from '@app/common/errors/app-error';

/**
 * Where a portal account's site lives. Every site is a directory strictly inside PORTAL_DIR, named by a
 * relative "site key" ('' is PORTAL_DIR itself). No setting can point the writer elsewhere: absolute
 * paths, '.', '..', backslashes and odd characters are refused, and a site directory reached through a
 * symlink leading out of PORTAL_DIR is refused when it is resolved.
 */

/** Names the site root uses for its own files: a nested site may not take them. */
const RESERVED_FIRST = new Set(['articles', 'columns', 'catalogue', 'sitemaps', 'uploads', 'gazette', '_data']);
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const FIELD = 'settings.directory';

/**
 * Validates a portal account's `settings.directory` (what an admin may type). Returns the problem in the
 * API's field shape, or null when the value is acceptable (absent, or a relative path of plain names).
 * Pure: the admin API calls it before saving an account.
 */
export function validatePortalDirectorySetting(value: unknown): FieldProblem | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return { field: FIELD, reason: '网站目录须为 PORTAL_DIR 下的相对路径（文字）' };
  const v = value.trim();
  if (v.length > 200) return { field: FIELD, reason: '网站目录不能超过200个字符' };
  if (/^[\\/]/.test(v) || /^[A-Za-z]:/.test(v)) return { field: FIELD, reason: '网站目录不能是绝对路径，须为 PORTAL_DIR 下的相对路径' };
  if (/[\\\0]/.test(v)) return { field: FIELD, reason: '网站目录不能包含反斜杠或控制字符' };
  if (v === '') return null;
  const segments = v.replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { field: FIELD, reason: '网站目录不能包含 . 或 ..' };
  if (segments.some((s) => !SEGMENT.test(s))) return { field: FIELD, reason: '网站目录每一级只能由字母、数字、- 和 _ 组成（不超过64个字符）' };
  if (RESERVED_FIRST.has(segments[0].toLowerCase())) return { field: FIELD, reason: `网站目录不能以「${segments[0]}」开头（网站自身使用该目录）` };
  return null;
}

/** The normalised site key of a valid setting ('' for the root). Call validatePortalDirectorySetting first. */
export function siteKeyOfSetting(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

/**
 * The site key when the account names no directory: the path of its public URL below PORTAL_BASE_URL
 * (so the demo county's account, whose URL is PORTAL_BASE_URL, keeps the root and /site/), else a
 * directory of the organisation's own under sites/.
 */
export function defaultSiteKey(accountBaseUrl: string, portalBaseUrl: string, orgCode: string): string {
  const b = accountBaseUrl.replace(/\/+$/, '');
  const p = portalBaseUrl.replace(/\/+$/, '');
  if (!b || b === p) return '';
  if (b.startsWith(p + '/')) {
    let rest: string;
    try {
      rest = decodeURIComponent(b.slice(p.length + 1));
    } catch {
      rest = '';
    }
    if (rest && !validatePortalDirectorySetting(rest)) return siteKeyOfSetting(rest);
  }
  const slug =
    orgCode
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .replace(/^[-_]+/, '')
      .slice(0, 64) || 'org';
  return `sites/${slug}`;
}

export class SiteDirectoryError extends Error {}

/**
 * The absolute directory of a site key, strictly inside `portalRoot`, following symlinks: the deepest
 * part of the path that exists must resolve inside the real PORTAL_DIR. Throws SiteDirectoryError.
 */
export async function resolveSiteDirectory(portalRoot: string, siteKey: string): Promise<string> {
  const problem = validatePortalDirectorySetting(siteKey);
  if (problem) throw new SiteDirectoryError(problem.reason);
  const root = path.resolve(portalRoot);
  const dir = path.resolve(root, siteKey);
  if (dir !== root && !dir.startsWith(root + path.sep)) throw new SiteDirectoryError('网站目录必须位于 PORTAL_DIR 之内');
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  let probe = dir;
  for (;;) {
    const real = await fs.realpath(probe).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (real !== null) {
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new SiteDirectoryError('网站目录经符号链接指向 PORTAL_DIR 之外，不予写入');
      break;
    }
    probe = path.dirname(probe);
  }
  return dir;
}

/** Where a portal account writes, relative to PORTAL_DIR (the adapter's `site`): its directory setting, else the default of its URL. */
export function portalSiteLocation(a: { baseUrl: string; settings: Record<string, unknown>; orgCode: string }, portalBaseUrl: string): string | null {
  const d = a.settings.directory;
  if (d !== undefined && d !== null) return validatePortalDirectorySetting(d) ? null : siteKeyOfSetting(d as string);
  return defaultSiteKey(a.baseUrl || portalBaseUrl, portalBaseUrl, a.orgCode);
}
