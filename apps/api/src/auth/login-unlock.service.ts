import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AuditService } from '@app/domain/services/audit.service';
import { UsersAdminService } from '../admin/users-admin.service';
import { LoginThrottle } from './login-throttle.service';

/** An admin lifts a user's sign-in lockout (the same scope rule as every other change to a user). */
@Injectable()
export class LoginUnlockService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly users: UsersAdminService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  unlock(user: AuthUser, id: string): Promise<{ id: string; username: string; wasLocked: boolean }> {
    return this.ds.transaction(async (em) => {
      const target = await this.users.managedUser(user, id, em);
      const before = await this.throttle.unlock(em, target.username);
      // nothing was counted against the user: nothing to change or record
      if (before) {
        await this.audit.record(em, {
          actorId: user.id,
          action: 'user.unlock',
          entityType: 'user',
          entityId: target.id,
          details: { username: target.username, failures: before.failures, lockedUntil: before.lockedUntil?.toISOString() ?? null },
        });
      }
      return { id: target.id, username: target.username, wasLocked: !!before?.lockedUntil };
    });
  }
}
