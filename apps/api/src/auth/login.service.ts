import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';
import { AuditService } from '@app/domain/services/audit.service';
import { AuthService } from './auth.service';
import { Lock, LoginThrottle, NewLock } from './login-throttle.service';
import type { LoginResult } from './login-result.types';
import { PasswordHasher } from './password-hasher.service';

const log = componentLogger('auth');

/** Who is asking: recorded with every sign-in, failure, lockout and sign-out (never the password). */
export interface LoginContext {
  address: string;
  userAgent: string;
}

const invalid = () => new AppError(401, 'INVALID_CREDENTIALS', '用户名或密码错误', [{ field: 'password', reason: 'invalid credentials' }]);

/**
 * Sign-in and sign-out. Every sign-in starts a server-side session (user_sessions) whose id the token
 * carries; sign-out ends it. A wrong password, an unknown username and a switched-off account get the
 * same answer after the same work (one bcrypt comparison, one counting transaction), and every outcome
 * lands in the audit log.
 */
@Injectable()
export class LoginService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly hasher: PasswordHasher,
  ) {}

  async login(username: string, password: string, ctx: LoginContext): Promise<LoginResult & { accessToken: string }> {
    // The session epoch is read with the password hash: a password reset or deactivation landing while
    // the password is being checked bumps it, and the token signed below is refused from the start.
    const [user]: { id: string; password_hash: string; active: boolean; session_epoch: number }[] = await this.ds.query(
      `SELECT id, password_hash, active, session_epoch FROM users WHERE username = $1`,
      [username],
    );
    const who = { actorId: null, entityType: user ? 'user' : 'login', entityId: user?.id ?? username };
    await this.reserve(username, ctx, who);

    // Always one comparison: against a dummy hash of the same cost when nobody has this username.
    const matches = await this.hasher.verify(password, user?.password_hash ?? this.hasher.dummyHash);
    if (!user || !user.active || !matches) {
      const reason = !user ? 'unknown_user' : !user.active ? 'inactive' : 'wrong_password';
      await this.ds.transaction(async (em) => {
        await this.audit.record(em, { ...who, action: 'auth.login_failed', details: { username, ...ctx, reason } });
        const { userLock, addressLock } = await this.throttle.failed(em, username, ctx.address);
        for (const lock of [userLock, addressLock]) if (lock) await this.recordLockout(em, lock, who, username, ctx);
        if (Math.random() < 0.05) await this.throttle.prune(em);
      });
      throw invalid();
    }

    const sessionId = await this.ds.transaction(async (em) => {
      await this.throttle.succeeded(em, username);
      const [s]: { id: string }[] = await em.query(`INSERT INTO user_sessions (user_id, address, user_agent) VALUES ($1, $2, $3) RETURNING id`, [
        user.id,
        ctx.address,
        ctx.userAgent,
      ]);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'auth.login',
        entityType: 'user',
        entityId: user.id,
        details: { username, ...ctx, sessionId: s.id },
      });
      // now and then, drop sessions long over (the audit log keeps who signed in and out)
      if (Math.random() < 0.02) await em.query(`DELETE FROM user_sessions WHERE COALESCE(ended_at, last_seen_at) < now() - interval '30 days'`);
      return s.id;
    });
    const se = user.session_epoch;
    const accessToken = await this.jwt.signAsync({ sub: user.id, se, sid: sessionId }, { expiresIn: this.config.JWT_TTL_SECONDS });
    const authUser = await this.auth.authUser(user.id, se, sessionId);
    log.info({ userId: user.id, sessionId, address: ctx.address }, 'signed in');
    return { accessToken, expiresIn: this.config.JWT_TTL_SECONDS, user: authUser };
  }

  /**
   * A place among the username's attempts in flight (LoginThrottle.reserve), waiting for one while they
   * are all taken: refused at once when the username or the address is locked, and after RESERVE_WAIT_MS
   * without a place. Each refusal is audited.
   */
  private async reserve(username: string, ctx: LoginContext, who: { actorId: null; entityType: string; entityId: string }): Promise<void> {
    const deadline = Date.now() + RESERVE_WAIT_MS;
    for (let pause = 20; ; pause = Math.min(pause * 2, 200)) {
      const late = Date.now() > deadline;
      const r = await this.ds.transaction(async (em) => {
        const got = await this.throttle.reserve(em, username, ctx.address);
        if (got.refused)
          await this.audit.record(em, {
            ...who,
            action: 'auth.login_locked',
            details: { username, ...ctx, scope: got.refused.scope, lockedUntil: got.refused.until.toISOString() },
          });
        else if (got.busy && late) await this.audit.record(em, { ...who, action: 'auth.login_busy', details: { username, ...ctx } });
        return got;
      });
      if (r.refused) throw lockedError(r.refused);
      if (!r.busy) return;
      if (late) throw busyError();
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * Ends the token's session, if it is still open (a token already refused ends nothing and records
   * nothing). Returns whether a session ended.
   */
  async logout(token: string, ctx: LoginContext): Promise<boolean> {
    let claims;
    try {
      claims = await this.auth.claims(token);
    } catch {
      return false;
    }
    const { sub, sid } = claims;
    return this.ds.transaction(async (em) => {
      const ended: { user_id: string }[] = await em.query(
        // wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count]
        `WITH e AS (UPDATE user_sessions SET ended_at = now(), end_reason = 'logout' WHERE id = $1 AND user_id = $2 AND ended_at IS NULL RETURNING user_id) SELECT user_id FROM e`,
        [sid, sub],
      );
      if (!ended.length) return false;
      await this.audit.record(em, { actorId: sub, action: 'auth.logout', entityType: 'user', entityId: sub, details: { ...ctx, sessionId: sid } });
      return true;
    });
  }

  private async recordLockout(
    em: EntityManager,
    lock: NewLock,
    who: { actorId: null; entityType: string; entityId: string },
    username: string,
    ctx: LoginContext,
  ): Promise<void> {
    const target = lock.scope === 'user' ? who : { actorId: null, entityType: 'address', entityId: lock.key };
    await this.audit.record(em, {
      ...target,
      action: 'auth.lockout',
      details: { username, ...ctx, scope: lock.scope, minutes: lock.minutes, lockouts: lock.lockouts, lockedUntil: lock.until.toISOString() },
    });
    log.warn({ scope: lock.scope, key: lock.key, minutes: lock.minutes }, 'sign-in locked after repeated failures');
  }
}

/** How long a sign-in waits for a place among its username's attempts in flight (bcrypt takes about 0.1–0.3 s each). */
const RESERVE_WAIT_MS = 10_000;

/** A sign-in refusal with the seconds the client should wait (AuthController sends them as Retry-After). */
function tooMany(code: string, message: string, details: FieldProblem[], retryAfterSeconds: number): AppError {
  return Object.assign(new AppError(429, code, message, details), { retryAfterSeconds });
}

/** 429: every place among the username's attempts in flight stayed taken for RESERVE_WAIT_MS. */
function busyError(): AppError {
  return tooMany('LOGIN_BUSY', '该账号同时进行的登录过多，请稍后再试', [{ field: 'username', reason: 'too many sign-ins of this username at once' }], 1);
}

/** 429 with the time left, the same for every username (locks are kept for unknown ones too). */
function lockedError(lock: Lock): AppError {
  const minutes = Math.max(1, Math.ceil((lock.until.getTime() - Date.now()) / 60_000));
  const message =
    lock.scope === 'user'
      ? `登录失败次数过多，该账号已暂时锁定，请 ${minutes} 分钟后再试，或联系管理员解锁`
      : `此网络地址登录失败次数过多，请 ${minutes} 分钟后再试`;
  return tooMany(
    'LOGIN_LOCKED',
    message,
    [{ field: lock.scope === 'user' ? 'username' : 'address', reason: `locked after repeated failed sign-ins; retry after ${lock.until.toISOString()}` }],
    Math.max(1, Math.ceil((lock.until.getTime() - Date.now()) / 1000)),
  );
}
