import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { lockReport } from './manual-entries';
import { yearPeriod } from './period';
import type { FreezesView, ReopenResult } from './report-doc.types';
import { freezeHistory, HISTORY_SELECT, historyEntry, HistoryRow } from './freeze-history';
import { ReportService } from './report.service';

const audit = new AuditService();

/** A reopen reason: 2 to 500 characters once trimmed (400 naming `reason` otherwise). */
export function validateReopenReason(raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length < 2 || text.length > 500) {
    throw AppError.validation([
      { field: 'reason', reason: !text ? '请填写重新打开的原因（如上级退回的意见）' : text.length < 2 ? '原因过短（至少2个字）' : '原因过长（最多500字）' },
    ]);
  }
  return text;
}

/**
 * 重新打开（退回重填）: the level above returned a bundle, so the sender corrects its report and signs it
 * off again. The current freeze of the variant is retired (reopened_at/by/reason set once, the row kept
 * and readable as history), manual entries become editable again (unless the other variant is still
 * frozen: they are shared), and the next freeze is a new row with a new sign-off; the next bundle carries it.
 */
@Injectable()
export class ReportReopenService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reports: ReportService,
  ) {}

  /** The variant's current freeze and its history (GET …/freezes: the console's 封存历史). */
  async freezes(tplId: string, org: Organisation, year: number, subtree: boolean): Promise<FreezesView> {
    const tpl = this.reports.template(tplId);
    const rows: { id: string; frozen_at: Date; frozen_by: string; display_name: string | null; signoff: FreezesView['history'][number]['signoff'] }[] =
      await this.ds.query(
        `SELECT f.id, f.frozen_at, f.frozen_by, u.display_name, f.signoff FROM stats_frozen_reports f LEFT JOIN users u ON u.id = f.frozen_by
         WHERE f.organisation_id = $1 AND f.template_id = $2 AND f.year = $3 AND f.subtree = $4 AND f.reopened_at IS NULL`,
        [org.id, tpl.id, year, subtree],
      );
    const current = rows.length
      ? {
          id: rows[0].id,
          frozenAt: new Date(rows[0].frozen_at).toISOString(),
          frozenBy: rows[0].frozen_by,
          frozenByName: rows[0].display_name,
          signoff: rows[0].signoff,
        }
      : null;
    return { subtree, current, history: await freezeHistory(this.ds, tpl.id, org.id, year, subtree) };
  }

  async reopen(tplId: string, org: Organisation, subtree: boolean, year: number, reason: string, user: AuthUser): Promise<ReopenResult> {
    const tpl = this.reports.template(tplId);
    const variant = subtree ? '（含下级单位）' : '（本单位）';
    const { reopened, otherVariantFrozen } = await this.ds.transaction(async (em) => {
      // The same lock as manual entries and freezes of this report: a reopen never interleaves with a freeze.
      await lockReport(em, org.id, tpl.id, year);
      const [rows]: [{ id: string }[], number] = await em.query(
        `UPDATE stats_frozen_reports SET reopened_at = now(), reopened_by = $5, reopen_reason = $6
         WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND subtree = $4 AND reopened_at IS NULL RETURNING id`,
        [org.id, tpl.id, year, subtree, user.id, reason],
      );
      if (!rows.length) {
        const before = (await freezeHistory(em, tpl.id, org.id, year, subtree)).length;
        throw AppError.conflict(
          'REPORT_NOT_FROZEN',
          `「${org.name}」${year}年度${tpl.title}${variant}${before ? '已重新打开、尚未重新封存' : '尚未封存'}，无需重新打开`,
          [{ field: 'year', reason: before ? '已重新打开，尚未重新封存' : '尚未封存' }],
        );
      }
      const [row]: HistoryRow[] = await em.query(`${HISTORY_SELECT} WHERE f.id = $1`, [rows[0].id]);
      const other: unknown[] = await em.query(
        `SELECT 1 FROM stats_frozen_reports WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND subtree = $4 AND reopened_at IS NULL`,
        [org.id, tpl.id, year, !subtree],
      );
      await audit.record(em, {
        actorId: user.id,
        action: 'stats.report_reopen',
        entityType: 'stats_frozen_report',
        entityId: row.id,
        organisationId: org.id,
        details: { template: tpl.id, year, subtree, reason, frozenAt: new Date(row.frozen_at).toISOString(), signoff: row.signoff },
      });
      return { reopened: historyEntry(row), otherVariantFrozen: other.length > 0 };
    });
    const report = await this.reports.computeLive(tpl, org, subtree, yearPeriod(year));
    return { reopened, report, otherVariantFrozen };
  }
}
