import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppConfig } from '@app/common/config/app-config';
import { rolesFor } from '@app/common/auth/permissions';
import { SecretBox } from '@app/common/crypto/secret-box';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { WEBHOOK_SIGNATURE_HEADER } from '@app/persistence/notifications/notification.types';
import type { PutWebhookDto } from './notifications.dto';
import type { WebhookPush, WebhookView } from './notification-webhook.types';

const RECENT = 20;

/**
 * An organisation's notification webhook (table notification_webhooks): the URL a signed JSON copy of
 * every notification about the organisation or its subtree is POSTed to (the nearest organisation's
 * setting wins), so an office can forward them to its SMS or messaging gateway. The secret is sealed
 * with ENCRYPTION_KEY and never sent back. The worker pushes (apps/worker/src/notifications); the
 * latest pushes, failures included, are shown with the setting.
 */
@Injectable()
export class NotificationWebhookService {
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) config: AppConfig,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.ENCRYPTION_KEY);
  }

  async view(user: AuthUser, orgId: string): Promise<WebhookView> {
    const org = await this.scope.assertRole(user, orgId, rolesFor('notification.webhook'));
    const [own, inherited, recent] = await Promise.all([
      this.ds.query(`SELECT url, enabled, updated_at AS "updatedAt" FROM notification_webhooks WHERE organisation_id = $1`, [org.id]),
      this.ds.query(
        `SELECT w.organisation_id AS "organisationId", a.name AS "organisationName", w.url, w.enabled
           FROM notification_webhooks w JOIN organisations a ON a.id = w.organisation_id
          WHERE a.id <> $1 AND $2 LIKE a.path || '%' ORDER BY length(a.path) DESC LIMIT 1`,
        [org.id, org.path],
      ),
      this.ds.query(
        `SELECT n.id AS "notificationId", n.kind, n.title, u.display_name AS recipient, n.webhook_state AS state, n.webhook_attempts AS attempts,
                n.webhook_error AS error, n.webhook_at AS at, n.created_at AS "createdAt"
           FROM notifications n JOIN organisations o ON o.id = n.organisation_id JOIN users u ON u.id = n.user_id
          WHERE n.webhook_state IS NOT NULL AND o.path LIKE $1 || '%'
          ORDER BY n.created_at DESC, n.id LIMIT ${RECENT}`,
        [org.path],
      ) as Promise<WebhookPush[]>,
    ]);
    return {
      organisationId: org.id,
      own: own[0] ?? null,
      inherited: own[0] ? null : (inherited[0] ?? null),
      signature: { header: WEBHOOK_SIGNATURE_HEADER, algorithm: 'HMAC-SHA256' },
      recent,
    };
  }

  /** Sets (url and, when new or changed, the secret), switches on or off, or removes (url null) the organisation's webhook. */
  async set(user: AuthUser, orgId: string, dto: PutWebhookDto): Promise<WebhookView> {
    const org = await this.scope.assertRole(user, orgId, rolesFor('notification.webhook'));
    await this.ds.transaction(async (em) => {
      const before: { url: string; enabled: boolean }[] = await em.query(
        `SELECT url, enabled FROM notification_webhooks WHERE organisation_id = $1 FOR UPDATE`,
        [org.id],
      );
      if (dto.url === null) {
        await em.query(`DELETE FROM notification_webhooks WHERE organisation_id = $1`, [org.id]);
      } else if (!before[0]) {
        if (!dto.secret) throw AppError.validation([{ field: 'secret', reason: '首次设置须填写签名密钥（至少16个字符）' }]);
        await em.query(`INSERT INTO notification_webhooks (organisation_id, url, secret_enc, enabled, updated_by) VALUES ($1, $2, $3, $4, $5)`, [
          org.id,
          dto.url,
          this.box.seal(dto.secret),
          dto.enabled ?? true,
          user.id,
        ]);
      } else {
        await em.query(
          `UPDATE notification_webhooks SET url = $2, secret_enc = COALESCE($3, secret_enc), enabled = COALESCE($4, enabled), updated_by = $5, updated_at = now()
            WHERE organisation_id = $1`,
          [org.id, dto.url, dto.secret ? this.box.seal(dto.secret) : null, dto.enabled ?? null, user.id],
        );
      }
      await this.audit.record(em, {
        actorId: user.id,
        action: 'notification.webhook',
        entityType: 'organisation',
        entityId: org.id,
        organisationId: org.id,
        details: {
          before: before[0] ?? null,
          url: dto.url,
          enabled: dto.url === null ? null : (dto.enabled ?? before[0]?.enabled ?? true),
          secretChanged: !!dto.secret,
        },
      });
    });
    return this.view(user, org.id);
  }
}
