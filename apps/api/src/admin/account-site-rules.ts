/**
 * The base URL the stored credentials are sent to. (Where file channels write, and who owns that
 * location, is the adapters' `site` declaration: libs/channels/src/portal, gazette.)
 */

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
