/**
 * How items refer to uploads. An upload lives in the private store under its key
 * (`YYYY/MM/<24 hex>.<ext>`); items refer to it by its private URL `/api/v1/uploads/<key>` (served to
 * signed-in users who may see the item); a portal site that publishes it serves a copy at
 * `<site>/uploads/<key>`. Pure functions: the api, the worker and the console's server code share them.
 */
export const PRIVATE_UPLOAD_PREFIX = '/api/v1/uploads/';

const KEY_RE = /^\d{4}\/\d{2}\/[0-9a-f]{24}\.[a-z0-9]{1,8}$/;

export function isUploadKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function privateUploadUrl(key: string): string {
  return `${PRIVATE_UPLOAD_PREFIX}${key}`;
}

/** The key of a private upload URL (path form, as the editor stores it; query and fragment ignored), else null. */
export function uploadKeyOf(url: string | null | undefined): string | null {
  const raw = String(url ?? '')
    .trim()
    .split(/[?#]/)[0];
  if (!raw.startsWith(PRIVATE_UPLOAD_PREFIX)) return null;
  const key = raw.slice(PRIVATE_UPLOAD_PREFIX.length);
  return isUploadKey(key) ? key : null;
}

const URL_IN_HTML = /\/api\/v1\/uploads\/(\d{4}\/\d{2}\/[0-9a-f]{24}\.[a-z0-9]{1,8})/g;

/** Every upload key an HTML fragment refers to (img src, links), in order of appearance, without repeats. */
export function uploadKeysIn(html: string): string[] {
  return [...new Set([...String(html ?? '').matchAll(URL_IN_HTML)].map((m) => m[1]))];
}

/**
 * Rewrites the private URLs of the given keys in an HTML fragment (attribute values, both quote styles)
 * to what `to(key)` returns. Keys not in `keys` are left as they are.
 */
export function rewriteUploadUrls(html: string, keys: ReadonlySet<string>, to: (key: string) => string): string {
  return String(html ?? '').replace(/(=\s*["']?)\/api\/v1\/uploads\/(\d{4}\/\d{2}\/[0-9a-f]{24}\.[a-z0-9]{1,8})/g, (all, lead: string, key: string) =>
    keys.has(key) ? `${lead}${to(key)}` : all,
  );
}
