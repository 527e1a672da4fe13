import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { rolesFor } from '@app/common/auth/permissions';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { beijingDateOf, periodFromDates, type Period } from '@app/stats/period';
import { ReportService } from '@app/stats/report.service';
import { collectInspectionInput } from '@app/compliance/inspection/collect-inspection';
import { computeInspection } from '@app/compliance/inspection/compute-inspection';
import { VETO_THRESHOLDS } from '@app/compliance/inspection/inspection-rules';
import { daysTo, indexNumbers, monthItems, subtreeOrgs, windowOf } from './self-check-data';
import { assembleInspection } from './self-check-assembly';
import { BASIS, indicatorLines } from './self-check-rules';
import type { SelfCheckDoc } from './self-check.types';

export const SELF_CHECK_TITLE = '政府网站与政务新媒体月度自查表';

/** `month=YYYY-MM`, or `year=YYYY&month=M` as the other statistics routes take it; a month not yet begun is refused. */
export function parseMonth(q: { month?: unknown; year?: unknown }, today: string): Period {
  const month = typeof q.month === 'string' ? q.month.trim() : q.month;
  const year = typeof q.year === 'string' ? q.year.trim() : q.year;
  let y: number;
  let m: number;
  const ym = typeof month === 'string' ? /^(\d{4})-(\d{2})$/.exec(month) : null;
  if (ym) {
    [y, m] = [Number(ym[1]), Number(ym[2])];
    if (year !== undefined && year !== '' && String(year) !== ym[1]) {
      throw AppError.validation([{ field: 'year', reason: '与 month 中的年份不一致' }]);
    }
  } else if (typeof month === 'string' && /^\d{1,2}$/.test(month) && typeof year === 'string' && /^\d{4}$/.test(year)) {
    [y, m] = [Number(year), Number(month)];
  } else {
    throw AppError.validation([{ field: 'month', reason: '请按 YYYY-MM 指定月份（如 2025-11）' }]);
  }
  if (m < 1 || m > 12 || y < 1990 || y > 2999) throw AppError.validation([{ field: 'month', reason: '月份必须是 1990-01 至 2999-12 之间的有效月份' }]);
  const from = `${y}-${String(m).padStart(2, '0')}-01`;
  if (from > today) throw AppError.validation([{ field: 'month', reason: '该月份尚未开始，不能自查' }]);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return periodFromDates(from, `${from.slice(0, 8)}${String(last).padStart(2, '0')}`);
}

/**
 * The monthly 自查 of an organisation (and its subtree): the inspection indicators of 国办秘函〔2019〕19号 as
 * of the month's last day (today while it runs) — collectInspectionInput + computeInspection of
 * libs/compliance/src/inspection, the rules and sources being there — and the month's 通报 (the bulletin
 * template, layout C, of libs/stats: items per organisation and report row, per account days since its last
 * publication). Composed in the app: libs/stats knows no channel and must not import libs/compliance's
 * channel-aware collection.
 */
@Injectable()
export class SelfCheckService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly orgScope: OrgScopeService,
    private readonly reports: ReportService,
    private readonly registry: ChannelRegistry,
  ) {}

  async build(user: AuthUser, q: { org?: unknown; subtree: boolean; month?: unknown; year?: unknown }): Promise<SelfCheckDoc> {
    if (typeof q.org !== 'string' || !q.org) throw AppError.validation([{ field: 'org', reason: '请指定机构（org）' }]);
    const org = await this.orgScope.assertRole(user, q.org, rolesFor('stats.read'));
    const today = beijingDateOf(new Date());
    const period = parseMonth(q, today);
    const refDate = period.to < today ? period.to : today;
    const w = windowOf(period.from, refDate);
    const orgs = await subtreeOrgs(this.ds, org.id, org.path, q.subtree);
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const [input, publications] = await Promise.all([
      collectInspectionInput(
        this.ds,
        this.registry,
        orgs.map((o) => o.id),
        refDate,
      ),
      this.reports.computeLive(this.reports.template('bulletin'), org, q.subtree, period),
    ]);
    const result = computeInspection(input);
    const accountIds = [...new Set([...result.columns, ...result.accounts].map((t) => t.accountId))];
    const policyIds = [...result.interpretation.missing.map((m) => m.itemId), ...result.interpretation.unlinked.map((u) => u.policyItemId)];
    const [counts, indexNo] = await Promise.all([
      monthItems(this.ds, accountIds, w),
      indexNumbers(this.ds, [...policyIds, ...result.backdated.map((b) => b.itemId)]),
    ]);
    const idle = daysTo(refDate);
    const inspection = assembleInspection(input, result, { orgs, orgName, counts, indexNo, idle });
    return {
      title: SELF_CHECK_TITLE,
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree: q.subtree,
      month: period.from.slice(0, 7),
      period: { from: period.from, to: period.to, label: period.label },
      referenceDate: refDate,
      generatedAt: new Date().toISOString(),
      basis: BASIS,
      verdict: result.verdict,
      indicators: indicatorLines(result, { ...VETO_THRESHOLDS, ...input.thresholds }),
      ...inspection,
      publications,
    };
  }
}
