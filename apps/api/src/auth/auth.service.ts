import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as bcrypt from 'bcryptjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { isUuid } from '@app/common/ids/is-uuid';
import { namedQuery } from '@app/persistence/named-statements';
import { BCRYPT_COST } from './password-hasher.service';

const sessionEnded = () => new AppError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录');

/** What an access token carries: the user, the user's session epoch and the server-side session. */
export interface TokenClaims {
  sub: string;
  se: number;
  sid: string;
}

/**
 * Checks access tokens (sign-in itself is LoginService). Stateless apart from the database, so other
 * modules (Bull Board's guard) may build their own instance.
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * The user of a session, read in ONE statement (this runs in front of every API call): roles come
   * from the database on every request, so revoking a role or switching the account off takes effect
   * at once; the token's session epoch must be the user's current one (bumped when the account is
   * switched off or its password set anew); its session must not have ended (sign-out) nor been idle
   * longer than SESSION_IDLE_MINUTES. last_seen_at moves at most once a minute per session, by a
   * second statement only then. The statement is a named prepared statement with one generic plan per
   * session (named-statements.ts): parsing and planning it on every call cost more than running it.
   */
  async authUser(userId: string, sessionEpoch: number, sessionId: string): Promise<AuthUser> {
    if (!isUuid(userId) || !isUuid(sessionId)) throw sessionEnded();
    const rows = await namedQuery<{ id: string; username: string; display_name: string; roles: AuthUser['roles']; stale: boolean }>(
      this.ds,
      'gd_auth_user',
      `SELECT u.id, u.username, u.display_name, s.last_seen_at < now() - interval '1 minute' AS stale,
              (SELECT COALESCE(json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)), '[]') FROM user_roles r WHERE r.user_id = u.id) AS roles
         FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $3::uuid AND s.user_id = $1::uuid AND s.ended_at IS NULL AND s.last_seen_at > now() - $4::int * interval '1 minute'
          AND u.active AND u.session_epoch = $2::int`,
      [userId, sessionEpoch, sessionId, this.config.SESSION_IDLE_MINUTES],
    );
    const user = rows[0];
    if (!user) throw sessionEnded();
    if (user.stale) await this.ds.query(`UPDATE user_sessions SET last_seen_at = now() WHERE id = $1 AND ended_at IS NULL`, [sessionId]);
    return { id: user.id, username: user.username, displayName: user.display_name, roles: user.roles };
  }

  /** The token's claims when its signature and lifetime hold (sessions are checked by authUser). */
  async claims(token: string): Promise<TokenClaims> {
    let payload: { sub?: unknown; se?: unknown; sid?: unknown };
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch {
      throw sessionEnded();
    }
    // tokens signed before server-side sessions existed carry no session: they are refused
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !Number.isInteger(payload.se)) throw sessionEnded();
    return { sub: payload.sub, se: payload.se as number, sid: payload.sid };
  }

  async verify(token: string): Promise<AuthUser> {
    return (await this.verifySession(token)).user;
  }

  /** The signed-in user and the session id the token carries. */
  async verifySession(token: string): Promise<{ user: AuthUser; sessionId: string }> {
    const c = await this.claims(token);
    return { user: await this.authUser(c.sub, c.se, c.sid), sessionId: c.sid };
  }

  static hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }
}
