import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returning } from '@app/domain/services/sql';

/**
 * Failed sign-ins, counted per attempted username and per client address in `login_throttle` (so every
 * api process sees the same counts). Only failures count: a successful sign-in never adds to a count
 * and clears its username's. Reaching a key's threshold within the window locks it; each further
 * lockout of the same key lasts twice as long as the one before, up to a cap, and the lockout count is
 * forgotten after a day without failures. Unknown usernames are counted and locked like real ones, so
 * a lockout tells nobody whether an account exists.
 *
 * A username's attempt takes a place BEFORE its password is checked (`pending`), and gives it back
 * with its answer: no more attempts are checked at once than failures the username may still have
 * before its lockout, so fifty attempts sent at once cannot all slip past the check before the first
 * failure is counted. An attempt beyond them waits for a place (LoginService); it is not counted as a
 * failure, so several sign-ins with the right password at once all succeed. The address is counted
 * after the check, since many people behind one office's NAT sign in at the same moment and their
 * successes must never count.
 */
export const THROTTLE = {
  user: { threshold: 5, baseMinutes: 1, capMinutes: 60 },
  address: { threshold: 30, baseMinutes: 1, capMinutes: 30 },
  /** failures older than this no longer count toward the next lockout */
  windowMinutes: 15,
  /** lockouts are forgotten after this long without a failure */
  forgetHours: 24,
  /** attempts in flight hold their places at most this long after the last one began (their process may have died) */
  pendingSeconds: 60,
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
  pending: number;
  pending_since: Date | null;
  lockouts: number;
  locked_until: Date | null;
  last_failure_at: Date | null;
  now: Date;
}

/** `busy`: every place is taken by attempts in flight; ask again when one has its answer. */
export type Reservation = { refused: Lock; busy?: never } | { refused: null; busy: boolean };

@Injectable()
export class LoginThrottle {
  /**
   * Before the password is checked, in the caller's transaction: refuses when the username or the
   * address is locked; says `busy` when the attempts in flight already hold every place the username
   * has left (THROTTLE.user.threshold minus its recent failures); otherwise takes a place.
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
    const failures = this.since(user, user.last_failure_at, THROTTLE.windowMinutes * 60_000) ? 0 : user.failures;
    const pending = this.since(user, user.pending_since, THROTTLE.pendingSeconds * 1000) ? 0 : user.pending;
    if (failures + pending >= THROTTLE.user.threshold) return { refused: null, busy: true };
    await em.query(`UPDATE login_throttle SET pending = $2, pending_since = now() WHERE scope = 'user' AND key = $1`, [username, pending + 1]);
    return { refused: null, busy: false };
  }

  /** After a wrong password: gives the username's place back and counts the failure against it and the address. */
  async failed(em: EntityManager, username: string, address: string): Promise<{ userLock: NewLock | null; addressLock: NewLock | null }> {
    const userLock = await this.count(em, 'user', username, await this.lockRow(em, 'user', username), true);
    return { userLock, addressLock: await this.failedFrom(em, address) };
  }

  /** A failure from the address alone (a sign-in's, or a bad password-setting link's). */
  async failedFrom(em: EntityManager, address: string): Promise<NewLock | null> {
    await em.query(`INSERT INTO login_throttle (scope, key) VALUES ('address', $1) ON CONFLICT DO NOTHING`, [address]);
    return this.count(em, 'address', address, await this.lockRow(em, 'address', address));
  }

  /**
   * After a right password: the username's place given back and its count started afresh (the row
   * gone once no attempt is in flight).
   */
  async succeeded(em: EntityManager, username: string): Promise<void> {
    const [left] = await returning<{ pending: number }>(
      em,
      `UPDATE login_throttle SET failures = 0, lockouts = 0, locked_until = NULL, last_failure_at = NULL, pending = GREATEST(pending - 1, 0)
        WHERE scope = 'user' AND key = $1 RETURNING pending`,
      [username],
    );
    if (left && left.pending === 0) await em.query(`DELETE FROM login_throttle WHERE scope = 'user' AND key = $1 AND pending = 0`, [username]);
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

  /** Drops counts nobody needs any more (no lock in force, nothing within the forget period, no attempt in flight). */
  async prune(em: EntityManager): Promise<void> {
    await em.query(
      `DELETE FROM login_throttle WHERE COALESCE(last_failure_at, '-infinity') < now() - make_interval(hours => $1) AND (locked_until IS NULL OR locked_until < now())
          AND (pending = 0 OR pending_since < now() - make_interval(secs => $2))`,
      [THROTTLE.forgetHours, THROTTLE.pendingSeconds],
    );
  }

  private async lockRow(em: EntityManager, scope: ThrottleScope, key: string, forUpdate = true): Promise<Row> {
    const [row]: Row[] = await em.query(
      `SELECT failures, lockouts, locked_until, last_failure_at, pending, pending_since, now() AS now FROM login_throttle WHERE scope = $1 AND key = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [scope, key],
    );
    return row ?? { failures: 0, lockouts: 0, locked_until: null, last_failure_at: null, pending: 0, pending_since: null, now: new Date() };
  }

  /** Whether `at` is unset or more than `ms` before the row's `now`. */
  private since(row: Row, at: Date | null, ms: number): boolean {
    return !at || row.now.getTime() - at.getTime() > ms;
  }

  /** One more failure for the key (`release`: and the place its attempt held given back). */
  private async count(em: EntityManager, scope: ThrottleScope, key: string, row: Row, release = false): Promise<NewLock | null> {
    const p = THROTTLE[scope];
    let failures = (this.since(row, row.last_failure_at, THROTTLE.windowMinutes * 60_000) ? 0 : row.failures) + 1;
    let lockouts = this.since(row, row.last_failure_at, THROTTLE.forgetHours * 3600_000) ? 0 : row.lockouts;
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
         locked_until = COALESCE(EXCLUDED.locked_until, login_throttle.locked_until), last_failure_at = now(),
         pending = GREATEST(login_throttle.pending - $6::int, 0)`,
      [scope, key, failures, lockouts, lock?.until ?? null, release ? 1 : 0],
    );
    return lock;
  }
}
