import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Failed sign-ins, counted per attempted username and per client address in `login_throttle` (so every
 * api process sees the same counts). Only failures count: a successful sign-in never adds to a count
 * and clears its username's. Reaching a key's threshold within the window locks it; each further
 * lockout of the same key lasts twice as long as the one before, up to a cap, and the lockout count is
 * forgotten after a day without failures. Unknown usernames are counted and locked like real ones, so
 * a lockout tells nobody whether an account exists.
 *
 * A username's attempt is counted BEFORE its password is checked (and cleared again if it proves
 * right): fifty attempts sent at once cannot all slip past the check before the first one is counted.
 * The address is counted after the check, since many people behind one office's NAT sign in at the
 * same moment and their successes must never count.
 */
export const THROTTLE = {
  user: { threshold: 5, baseMinutes: 1, capMinutes: 60 },
  address: { threshold: 30, baseMinutes: 1, capMinutes: 30 },
  /** failures older than this no longer count toward the next lockout */
  windowMinutes: 15,
  /** lockouts are forgotten after this long without a failure */
  forgetHours: 24,
} as const;

export type ThrottleScope = keyof typeof THROTTLE & ('user' | 'address');

export interface Lock {
  scope: ThrottleScope;
  key: string;
  until: Date;
}

/** A lockout this attempt started (to be audited with the failure). */
export interface NewLock extends Lock {
  minutes: number;
  lockouts: number;
}

interface Row {
  failures: number;
  lockouts: number;
  locked_until: Date | null;
  last_failure_at: Date | null;
  now: Date;
}

export type Reservation = { refused: Lock } | { refused: null; userLock: NewLock | null };

@Injectable()
export class LoginThrottle {
  /**
   * Before the password is checked, in the caller's transaction: refuses when the username or the
   * address is locked; otherwise counts the attempt against the username (see above) and says whether
   * that count started a lockout.
   */
  async reserve(em: EntityManager, username: string, address: string): Promise<Reservation> {
    await em.query(`INSERT INTO login_throttle (scope, key) VALUES ('user', $1) ON CONFLICT DO NOTHING`, [username]);
    const user = await this.lockRow(em, 'user', username);
    const addr = await this.lockRow(em, 'address', address, false);
    for (const [scope, key, row] of [
      ['user', username, user],
      ['address', address, addr],
    ] as const) {
      if (row.locked_until && row.locked_until > row.now) return { refused: { scope, key, until: row.locked_until } };
    }
    return { refused: null, userLock: await this.count(em, 'user', username, user) };
  }

  /** After a wrong password: counts it against the address (the username's was counted by reserve). */
  async failedFrom(em: EntityManager, address: string): Promise<NewLock | null> {
    await em.query(`INSERT INTO login_throttle (scope, key) VALUES ('address', $1) ON CONFLICT DO NOTHING`, [address]);
    return this.count(em, 'address', address, await this.lockRow(em, 'address', address));
  }

  /** After a right password: the username's count starts afresh. */
  async succeeded(em: EntityManager, username: string): Promise<void> {
    await em.query(`DELETE FROM login_throttle WHERE scope = 'user' AND key = $1`, [username]);
  }

  /** An admin's unlock: clears the username's lockout and count; the state before, or null when there was none. */
  async unlock(em: EntityManager, username: string): Promise<{ failures: number; lockedUntil: Date | null } | null> {
    const [row]: { failures: number; locked_until: Date | null; locked: boolean }[] = await em.query(
      // wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count]
      `WITH d AS (DELETE FROM login_throttle WHERE scope = 'user' AND key = $1 RETURNING failures, locked_until)
       SELECT failures, locked_until, COALESCE(locked_until > now(), false) AS locked FROM d`,
      [username],
    );
    if (!row || (!row.locked && row.failures === 0)) return null;
    return { failures: row.failures, lockedUntil: row.locked ? row.locked_until : null };
  }

  /** Drops counts nobody needs any more (no lock in force, nothing within the forget period). */
  async prune(em: EntityManager): Promise<void> {
    await em.query(
      `DELETE FROM login_throttle WHERE COALESCE(last_failure_at, '-infinity') < now() - make_interval(hours => $1) AND (locked_until IS NULL OR locked_until < now())`,
      [THROTTLE.forgetHours],
    );
  }

  private async lockRow(em: EntityManager, scope: ThrottleScope, key: string, forUpdate = true): Promise<Row> {
    const [row]: Row[] = await em.query(
      `SELECT failures, lockouts, locked_until, last_failure_at, now() AS now FROM login_throttle WHERE scope = $1 AND key = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [scope, key],
    );
    return row ?? { failures: 0, lockouts: 0, locked_until: null, last_failure_at: null, now: new Date() };
  }

  private async count(em: EntityManager, scope: ThrottleScope, key: string, row: Row): Promise<NewLock | null> {
    const p = THROTTLE[scope];
    const since = (ms: number) => !row.last_failure_at || row.now.getTime() - row.last_failure_at.getTime() > ms;
    let failures = (since(THROTTLE.windowMinutes * 60_000) ? 0 : row.failures) + 1;
    let lockouts = since(THROTTLE.forgetHours * 3600_000) ? 0 : row.lockouts;
    let lock: NewLock | null = null;
    if (failures >= p.threshold) {
      lockouts += 1;
      const minutes = Math.min(p.baseMinutes * 2 ** (lockouts - 1), p.capMinutes);
      lock = { scope, key, until: new Date(row.now.getTime() + minutes * 60_000), minutes, lockouts };
      failures = 0;
    }
    await em.query(
      `INSERT INTO login_throttle (scope, key, failures, lockouts, locked_until, last_failure_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (scope, key) DO UPDATE SET failures = EXCLUDED.failures, lockouts = EXCLUDED.lockouts,
         locked_until = COALESCE(EXCLUDED.locked_until, login_throttle.locked_until), last_failure_at = now()`,
      [scope, key, failures, lockouts, lock?.until ?? null],
    );
    return lock;
  }
}
