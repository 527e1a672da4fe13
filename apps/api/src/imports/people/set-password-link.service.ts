import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { USER_ACTIVE_LOCK, UsersAdminService } from '../../admin/users-admin.service';
import type { SetPasswordLink } from './people-import.types';
import { newLinkToken, SET_PASSWORD_LINK_HOURS, setPasswordPath } from './set-password-links';

/**
 * A new one-time set-password link for one user (a link expired or lost before it was used), issued by
 * an admin who manages the user (the users admin's rule: home organisation and every role within the
 * admin's organisations). The user's unused links are spent: only the newest one works.
 */
@Injectable()
export class SetPasswordLinkService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly users: UsersAdminService,
    private readonly audit: AuditService,
  ) {}

  async issue(actor: AuthUser, username: string): Promise<SetPasswordLink> {
    const [row]: { id: string; display_name: string; code: string | null }[] = await this.ds.query(
      `SELECT u.id, u.display_name, o.code FROM users u LEFT JOIN organisations o ON o.id = u.home_organisation_id WHERE u.username = $1`,
      [username],
    );
    if (!row) throw AppError.badRequest('NO_SUCH_USER', `用户不存在：${username}`, [{ field: 'username', reason: '没有这个用户名' }]);
    const t = newLinkToken();
    const expiresAt = new Date(Date.now() + SET_PASSWORD_LINK_HOURS * 3600_000);
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      await this.users.managedUser(actor, row.id, em);
      await em.query(`UPDATE password_set_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [row.id]);
      await em.query(`INSERT INTO password_set_tokens (user_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4)`, [
        row.id,
        t.hash,
        actor.id,
        expiresAt,
      ]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'user.password_link',
        entityType: 'user',
        entityId: row.id,
        details: { username, expiresAt: expiresAt.toISOString() },
      });
    });
    return { username, displayName: row.display_name, organisationCode: row.code ?? '', path: setPasswordPath(t.token), expiresAt: expiresAt.toISOString() };
  }
}
