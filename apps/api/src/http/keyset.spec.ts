import { AppError } from '@app/common/errors/app-error';
import { afterSql, decodeCursor, encodeCursor } from './keyset';

const ID = '0b4f0f55-3c3a-4d2e-9a55-0a1b2c3d4e5f';

describe('keyset cursors', () => {
  it('round-trips the key values of the order it was made for', () => {
    const c = encodeCursor('u', ['1767225600123456', ID]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 'u', ['us', 'uuid'])).toEqual(['1767225600123456', ID]);
    expect(decodeCursor(undefined, 'u', ['us', 'uuid'])).toBeUndefined();
    expect(decodeCursor(encodeCursor('a', ['42']), 'a', ['bigint'])).toEqual(['42']);
  });

  const refused = (cursor: string, tag = 'u') => {
    try {
      decodeCursor(cursor, tag, ['us', 'uuid']);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return { status: (e as AppError).status, details: (e as AppError).details };
    }
    return 'accepted';
  };

  it.each([
    ['not base64url', 'a b'],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['too few keys', encodeCursor('u', ['1'])],
    ['a timestamp that is not microseconds', encodeCursor('u', ['2026-01-01', ID])],
    ['an id that is not a uuid', encodeCursor('u', ['1', "x'; DROP TABLE items; --"])],
    ['a number where a string belongs', Buffer.from(JSON.stringify(['u', 1, ID])).toString('base64url')],
    ['too long', 'A'.repeat(401)],
  ])('refuses %s with a 400 naming cursor', (_what, cursor) => {
    expect(refused(cursor)).toEqual({ status: 400, details: [{ field: 'cursor', reason: expect.stringMatching(/[\u4e00-\u9fff]/) }] });
  });

  it('refuses a cursor of another order', () => {
    expect(refused(encodeCursor('created', ['1', ID]), 'updated')).toEqual({
      status: 400,
      details: [{ field: 'cursor', reason: expect.stringContaining('排序') }],
    });
  });

  it('compares the key columns as one row, descending or ascending, the values as parameters', () => {
    const params: unknown[] = [];
    const push = (v: unknown) => (params.push(v), `$${params.length}`);
    const cols = [
      { sql: 'd.updated_at', kind: 'us' as const },
      { sql: 'd.id', kind: 'uuid' as const },
    ];
    expect(afterSql(cols, ['5', ID], 'DESC', push)).toBe(
      `(d.updated_at, d.id) < ((timestamptz 'epoch' + CAST($1 AS bigint) * interval '1 microsecond'), CAST($2 AS uuid))`,
    );
    expect(afterSql(cols, ['5', ID], 'ASC', push)).toContain(') > (');
    expect(params).toEqual(['5', ID, '5', ID]);
  });
});
