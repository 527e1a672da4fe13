/**
 * Whether a path parameter can be a row id. Checked before querying so a malformed id answers 404
 * like an unknown one, instead of Postgres failing on the uuid cast.
 */
export function isUuid(id: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(id);
}
