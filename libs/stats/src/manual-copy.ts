import type { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { assertNotFrozen, lockReport } from './manual-entries';
import type { ManualCopyResult } from './report-doc.types';
import type { ReportTemplate } from './report-template';

const audit = new AuditService();

/**
 * 复制上年手工填报数: many hand-entered figures (staff, budgets, channels run) change little from one year
 * to the next. Copies the previous year's manual entries of the same template and organisation into
 * `year` where `year` has none — an entry made this year is never overwritten — each copy logged in
 * stats_manual_entry_log like any entry, and the whole copy recorded once in the audit log. Refused
 * (409 REPORT_FROZEN) when `year` was signed off; serialised with entries and freezes of that report.
 */
export async function copyPreviousYearManual(ds: DataSource, tpl: ReportTemplate, org: Organisation, year: number, user: AuthUser): Promise<ManualCopyResult> {
  const manualCells = [...tpl.cellIndex.values()].filter(({ cell }) => !!cell.manual).map(({ cell }) => cell.id);
  return ds.transaction(async (em) => {
    await lockReport(em, org.id, tpl.id, year);
    await assertNotFrozen(em, tpl, org, year);
    const [r]: { available: string[]; copied: string[] }[] = await em.query(
      `WITH src AS (
         SELECT cell_id, value FROM stats_manual_entries
          WHERE organisation_id = $1 AND template_id = $2 AND year = $3 - 1 AND cell_id = ANY($4::text[])
       ), ins AS (
         INSERT INTO stats_manual_entries (organisation_id, template_id, year, cell_id, value, entered_by, entered_at)
         SELECT $1, $2, $3, cell_id, value, $5, now() FROM src
         ON CONFLICT (organisation_id, template_id, year, cell_id) DO NOTHING
         RETURNING cell_id, value
       ), logged AS (
         INSERT INTO stats_manual_entry_log (organisation_id, template_id, year, cell_id, old_value, new_value, entered_by)
         SELECT $1, $2, $3, cell_id, NULL, value, $5 FROM ins
       )
       SELECT COALESCE((SELECT array_agg(cell_id ORDER BY cell_id) FROM src), '{}') AS available,
              COALESCE((SELECT array_agg(cell_id ORDER BY cell_id) FROM ins), '{}') AS copied`,
      [org.id, tpl.id, year, manualCells, user.id],
    );
    const copied = new Set(r.copied);
    const result: ManualCopyResult = { fromYear: year - 1, copied: r.copied, kept: r.available.filter((c) => !copied.has(c)) };
    if (result.copied.length) {
      await audit.record(em, {
        actorId: user.id,
        action: 'stats.manual_copy',
        entityType: 'stats_report',
        entityId: `${tpl.id}/${year}`,
        organisationId: org.id,
        details: { template: tpl.id, year, fromYear: result.fromYear, copied: result.copied.length, kept: result.kept.length, cells: result.copied },
      });
    }
    return result;
  });
}
