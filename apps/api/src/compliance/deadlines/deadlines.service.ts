import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Role } from '@app/domain/enums/domain-enums';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { DeadlineAlertsService } from '@app/compliance/deadlines/deadline-alerts.service';
import type { DeadlineReport } from '@app/compliance/deadlines/deadline-report.types';
import { DeadlineScanService } from '@app/compliance/deadlines/deadline-scan.service';
import { rolesFor } from '@app/common/auth/permissions';

export const DEADLINE_VIEW_ROLES: Role[] = rolesFor('deadlines.read');

/** The API side of the deadline report: which organisations the user may see, then the live scan. */
@Injectable()
export class DeadlinesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly scanner: DeadlineScanService,
    private readonly alerts: DeadlineAlertsService,
  ) {}

  async report(user: AuthUser, q: { org?: string; subtree?: boolean; today?: string; sinceDays?: number }): Promise<DeadlineReport> {
    const subtree = q.subtree ?? true;
    let orgIds: string[];
    let organisation = null;
    if (q.org) {
      const org = await this.scope.assertRole(user, q.org, DEADLINE_VIEW_ROLES);
      organisation = { id: org.id, name: org.name, code: org.code };
      orgIds = subtree
        ? (await this.ds.query(`SELECT id FROM organisations WHERE path LIKE $1 || '%'`, [org.path])).map((r: { id: string }) => r.id)
        : [org.id];
    } else {
      orgIds = await this.scope.scopeOrgIds(user, DEADLINE_VIEW_ROLES);
    }
    const report = await this.scanner.scan(orgIds, { today: q.today, sinceDays: q.sinceDays }, { organisation, subtree });
    await this.alerts.annotate([
      ...report.interpretations,
      ...report.interpretationsDue,
      ...report.disclosures,
      ...report.staleAccounts,
      ...report.staleColumns,
    ]);
    return report;
  }
}
