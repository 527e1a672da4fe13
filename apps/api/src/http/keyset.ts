import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';

/**
 * Keyset pagination for the lists: a page is "the rows after this position in the list's order", the
 * position an opaque cursor (base64url of JSON [sort tag, ...key values]). Timestamps travel as
 * microseconds since the epoch so a cursor is exact at Postgres' precision (a JS Date would cut them to
 * milliseconds and skip or repeat rows); ids as uuids or bigint strings. Every part is checked before it
 * reaches SQL: a cursor that is not one of ours answers 400 naming `cursor`.
 */
export type KeyKind = 'us' | 'uuid' | 'bigint';

const US = /^-?\d{1,17}$/;
const BIGINT = /^\d{1,18}$/;

// CAST(… AS …) rather than ::type: TypeORM reads `::text` as the named parameter `:text` (the items list has one).
/** SQL of a timestamp column as its microseconds since the epoch (text), the form a cursor carries. */
export const usOf = (col: string) => `CAST(CAST(extract(epoch from ${col}) * 1000000 AS bigint) AS text)`;
/** SQL turning a cursor's microseconds parameter back into the timestamptz it came from. */
export const tsOfUs = (param: string) => `(timestamptz 'epoch' + CAST(${param} AS bigint) * interval '1 microsecond')`;

export function encodeCursor(tag: string, keys: (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...keys.map(String)])).toString('base64url');
}

function bad(reason = '翻页位置无效，请回到第一页'): AppError {
  return AppError.validation([{ field: 'cursor', reason }]);
}

/** The key values of `cursor` for a list ordered by `tag`, each checked against its kind; undefined without a cursor. */
export function decodeCursor(cursor: string | undefined, tag: string, kinds: KeyKind[]): string[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length + 1 || parsed.some((v) => typeof v !== 'string')) throw bad();
  const [t, ...keys] = parsed as string[];
  if (t !== tag) throw bad('翻页位置与当前排序不一致，请回到第一页');
  keys.forEach((k, i) => {
    const ok = kinds[i] === 'us' ? US.test(k) : kinds[i] === 'bigint' ? BIGINT.test(k) : isUuid(k);
    if (!ok) throw bad();
  });
  return keys;
}

/**
 * `(a, b) < ($n, $m)` for a DESC order (`>` for ASC) on the list's key columns, the timestamp keys
 * turned back from microseconds; `push` adds a parameter and answers its placeholder. Row comparison
 * is what lets Postgres start the index scan at the position.
 */
export function afterSql(cols: { sql: string; kind: KeyKind }[], values: string[], dir: 'ASC' | 'DESC', push: (v: unknown) => string): string {
  const rhs = cols.map((c, i) => {
    const p = push(values[i]);
    return c.kind === 'us' ? tsOfUs(p) : `CAST(${p} AS ${c.kind})`;
  });
  return `(${cols.map((c) => c.sql).join(', ')}) ${dir === 'DESC' ? '<' : '>'} (${rhs.join(', ')})`;
}
