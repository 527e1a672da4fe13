import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertPasswordPolicy } from '@app/common/auth/password-policy';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { AuthService } from '../../auth/auth.service';
import { LoginThrottle } from '../../auth/login-throttle.service';
import { hashLinkToken } from './set-password-links';

const badLink = () =>
  AppError.badRequest('SET_PASSWORD_LINK_INVALID', '设置密码链接无效或已被使用，请联系管理员重新获取', [{ field: 'token', reason: '链接无效或已使用' }]);

/**
 * Sets a password through a one-time link (an imported user's first sign-in). The link is looked up by
 * the SHA-256 of its token, must not have expired nor been used, and is spent in the same statement
 * that checks it, so two uses at once cannot both succeed. Unknown tokens count as failed sign-ins from
 * the client's address (login_throttle): a locked address is refused before the token is even read.
 */
@Injectable()
export class SetPasswordService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async setPassword(token: string, password: string, address: string): Promise<{ username: string }> {
    const [lock]: { until: Date }[] = await this.ds.query(
      `SELECT locked_until AS until FROM login_throttle WHERE scope = 'address' AND key = $1 AND locked_until > now()`,
      [address],
    );
    if (lock) {
      const minutes = Math.max(1, Math.ceil((new Date(lock.until).getTime() - Date.now()) / 60_000));
      throw new AppError(429, 'LOGIN_LOCKED', `此网络地址尝试次数过多，请 ${minutes} 分钟后再试`, [{ field: 'address', reason: '尝试次数过多，已暂时锁定' }]);
    }
    const hash = hashLinkToken(String(token ?? ''));
    const [link]: { id: string; user_id: string; username: string; used: boolean; expired: boolean; active: boolean }[] = await this.ds.query(
      `SELECT t.id, t.user_id, u.username, u.active, t.used_at IS NOT NULL AS used, t.expires_at <= now() AS expired
         FROM password_set_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
      [hash],
    );
    if (!link || link.used || !link.active) {
      if (!link) await this.ds.transaction((em) => this.throttle.failedFrom(em, address));
      throw badLink();
    }
    if (link.expired)
      throw AppError.badRequest('SET_PASSWORD_LINK_EXPIRED', '设置密码链接已过期，请联系管理员重新获取', [{ field: 'token', reason: '链接已过期' }]);
    assertPasswordPolicy(password, link.username);
    const passwordHash = await AuthService.hash(password);
    await this.ds.transaction(async (em) => {
      const spent: unknown[] = await em.query(
        `WITH s AS (UPDATE password_set_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id) SELECT id FROM s`,
        [link.id],
      );
      if (!spent.length) throw badLink();
      // a new password ends every session; the user's other links are spent with this one
      await em.query(`UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1`, [link.user_id, passwordHash]);
      await em.query(`UPDATE password_set_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [link.user_id]);
      await this.audit.record(em, {
        actorId: link.user_id,
        action: 'user.password_set',
        entityType: 'user',
        entityId: link.user_id,
        details: { username: link.username, address },
      });
    });
    return { username: link.username };
  }
}
