import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { shanghaiDate, toDayNumber } from '@app/compliance/deadlines/calendar-date';
import { AppError } from '@app/common/errors/app-error';
import { DeadlineScanService } from '@app/compliance/deadlines/deadline-scan.service';
import { runInspectionReminders, type ReminderRunResult } from '@app/compliance/inspection/inspection-reminders';
import { inspectWith } from '@app/compliance/inspection/inspection.service';
import type { InspectionResult, TargetResult } from '@app/compliance/inspection/inspection.types';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { NotificationsService } from '@app/persistence/notifications/notifications.service';

/** The Beijing day asked for (a real calendar date), or today. */
function day(d: string | undefined): string {
  if (!d) return shanghaiDate(new Date());
  try {
    toDayNumber(d);
  } catch {
    throw AppError.validation([{ field: 'today', reason: '不是有效的日期' }]);
  }
  return d;
}

export interface InspectionView extends InspectionResult {
  organisation: { id: string; name: string; code: string } | null;
  subtree: boolean;
}

export interface ForecastView {
  asOf: string;
  organisation: { id: string; name: string; code: string } | null;
  subtree: boolean;
  /** Columns and accounts with a rule, soonest breach first (those already in breach first of all). */
  targets: TargetResult[];
}

/** The API side of the inspection: which organisations the user may see, then the live computation. */
@Injectable()
export class InspectionApiService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly scanner: DeadlineScanService,
    private readonly audit: AuditService,
    @Optional() private readonly notifications?: NotificationsService,
  ) {}

  async inspection(user: AuthUser, q: { org?: string; subtree?: boolean; today?: string }): Promise<InspectionView> {
    const subtree = q.subtree ?? true;
    const { orgIds, organisation } = await this.orgs(user, q.org, subtree);
    const result = await inspectWith(this.ds, this.scanner, orgIds, day(q.today));
    return { ...result, organisation, subtree };
  }

  async forecast(user: AuthUser, q: { org?: string; subtree?: boolean; today?: string }): Promise<ForecastView> {
    const r = await this.inspection(user, q);
    const targets = [...r.columns, ...r.accounts]
      .filter((t) => t.breachDate)
      .sort((a, b) => a.breachDate!.localeCompare(b.breachDate!) || a.key.localeCompare(b.key));
    return { asOf: r.asOf, organisation: r.organisation, subtree: r.subtree, targets };
  }

  async remind(user: AuthUser, today?: string): Promise<ReminderRunResult> {
    const asOf = day(today);
    const result = await runInspectionReminders(this.ds, this.scanner, this.notifications, asOf);
    await this.audit.record(this.ds.manager, {
      actorId: user.id,
      action: 'compliance.inspection_remind',
      entityType: 'compliance',
      entityId: asOf,
      details: { inspectionReminders: result },
    });
    return result;
  }

  private async orgs(user: AuthUser, orgId: string | undefined, subtree: boolean) {
    const roles = rolesFor('inspection.read');
    if (!orgId) return { orgIds: await this.scope.scopeOrgIds(user, roles), organisation: null };
    const org = await this.scope.assertRole(user, orgId, roles);
    const orgIds: string[] = subtree
      ? [
          org.id,
          ...(await this.ds.query(`SELECT id FROM organisations WHERE path LIKE $1 || '%' AND id <> $2 ORDER BY path`, [org.path, org.id])).map(
            (r: { id: string }) => r.id,
          ),
        ]
      : [org.id];
    return { orgIds, organisation: { id: org.id, name: org.name, code: org.code } };
  }
}
