/**
 * Whether a string has the form of a row id (8-4-4-4-12 hex digits, any version: Postgres's uuid
 * type accepts them all). Checked before querying so a malformed id never reaches the uuid cast.
 */
export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
