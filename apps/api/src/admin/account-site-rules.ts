import type { FieldProblem } from '@app/common/errors/app-error';
import { defaultSiteKey, siteKeyOfSetting, validatePortalDirectorySetting } from '@app/channels/portal/portal-directory';

/**
 * Rules for the settings of channel accounts that write files under the portal directory (the portal
 * site, the gazette) and for the base URL the stored credentials are sent to. The portal's directory
 * rules and site keys are the portal adapter's own (libs/channels/src/portal/portal-directory.ts): the
 * admin API refuses up front what the adapter would refuse at delivery.
 */

/** Channel types whose accounts own a location (a site, a gazette folder) under PORTAL_DIR. */
export const FILE_CHANNELS = ['portal', 'gazette'];

/** A gazette folder name (settings.path): a plain name, not one the root site uses for its own files. */
const GAZETTE_PATH = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const GAZETTE_RESERVED = new Set(['articles', 'columns', 'uploads', '_data', 'sites']);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Problems with `next` settings of an account of `channelType`. Only values that change are checked
 * (`prev`: the stored settings), so an account saved before these rules can still be renamed.
 */
export function settingsProblems(channelType: string, next: Record<string, unknown>, prev: Record<string, unknown> = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const changed = (key: string) => key in next && !same(next[key], prev[key]);
  if (channelType === 'portal') {
    if (changed('directory')) {
      const p = validatePortalDirectorySetting(next.directory);
      if (p) problems.push(p);
    }
    const text = (key: string, max: number, pattern: RegExp | null, reason: string) => {
      if (!changed(key)) return;
      const v = next[key];
      if (typeof v !== 'string' || !v.trim() || v.length > max || (pattern && !pattern.test(v))) problems.push({ field: `settings.${key}`, reason });
    };
    text('siteName', 100, null, 'must be a non-empty string of at most 100 characters');
    text('siteDomain', 253, /^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with a port');
    text('siteIdCode', 32, /^[0-9A-Za-z]+$/, 'must be a string of letters and digits (网站标识码), at most 32 characters');
  } else if (channelType === 'gazette' && changed('directory')) {
    // The gazette resolves a directory setting outside PORTAL_DIR's rules: it is written under PORTAL_DIR at settings.path.
    problems.push({ field: 'settings.directory', reason: 'not supported for gazette accounts: the gazette is written under the portal directory at settings.path' });
  }
  if (channelType === 'gazette' && changed('path')) {
    const p = next.path;
    if (typeof p !== 'string' || !GAZETTE_PATH.test(p)) problems.push({ field: 'settings.path', reason: 'must be a plain folder name: letters, digits, - and _, at most 64 characters' });
    else if (GAZETTE_RESERVED.has(p.toLowerCase())) problems.push({ field: 'settings.path', reason: `is used by the portal site itself (${[...GAZETTE_RESERVED].join(', ')})` });
  }
  return problems;
}

export interface SiteAccount {
  channelType: string;
  baseUrl: string;
  settings: Record<string, unknown>;
  orgCode: string;
}

/**
 * Where an account of a file channel writes, relative to PORTAL_DIR: the portal's site key as the
 * adapter computes it, the gazette's folder (its path, falling back as parseGazetteSettings does).
 * Null for other types, or for a setting the adapter would refuse anyway.
 */
export function siteLocation(a: SiteAccount, portalBaseUrl: string): string | null {
  if (a.channelType === 'portal') {
    const d = a.settings.directory;
    if (d !== undefined && d !== null) return validatePortalDirectorySetting(d) ? null : siteKeyOfSetting(d as string);
    return defaultSiteKey(a.baseUrl || portalBaseUrl, portalBaseUrl, a.orgCode);
  }
  if (a.channelType === 'gazette') return typeof a.settings.path === 'string' && GAZETTE_PATH.test(a.settings.path) ? a.settings.path : 'gazette';
  return null;
}

/** The field a site conflict is reported on. */
export function siteField(channelType: string): string {
  return channelType === 'gazette' ? 'settings.path' : 'settings.directory';
}

/** scheme://host:port of a base URL ('' when empty: the adapter's default; the text itself when unparsable). */
export function originOf(baseUrl: string): string {
  if (!baseUrl) return '';
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}`;
  } catch {
    return baseUrl;
  }
}
