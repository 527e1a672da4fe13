import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import type { ManualEntryInfo } from './report-assembly';
import type { ManualValue } from './report-logic';
import type { ReportTemplate } from './report-template';

/** Arbitrary, fixed first key of the advisory lock that serialises manual entries and freezes of one report. */
const REPORT_LOCK_KEY = 727274105;

/** Serialises manual entries and freezes of one (organisation, template, year) until the transaction ends. */
export async function lockReport(em: EntityManager, orgId: string, tplId: string, year: number): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REPORT_LOCK_KEY, `${orgId}/${tplId}/${year}`]);
}

/**
 * 409 when the year's report was signed off: with `subtree`, that variant (含下级单位 or own items only;
 * each is frozen once until reopened); without, either (manual entries are shared by both, so a frozen
 * one locks them). A reopened freeze (退回重填, report-reopen.service.ts) is history and locks nothing.
 */
export async function assertNotFrozen(em: EntityManager, tpl: ReportTemplate, org: Organisation, year: number, subtree?: boolean): Promise<void> {
  const rows: { frozen_at: Date; subtree: boolean }[] = await em.query(
    `SELECT frozen_at, subtree FROM stats_frozen_reports WHERE organisation_id = $1 AND template_id = $2 AND year = $3
       AND ($4::boolean IS NULL OR subtree = $4::boolean) AND reopened_at IS NULL ORDER BY frozen_at LIMIT 1`,
    [org.id, tpl.id, year, subtree ?? null],
  );
  if (rows.length) {
    const variant = rows[0].subtree ? '（含下级单位）' : '（本单位）';
    throw AppError.conflict('REPORT_FROZEN', `「${org.name}」${year}年度${tpl.title}${variant}已封存，不能修改`, [
      { field: 'year', reason: `已于 ${beijingDateTime(new Date(rows[0].frozen_at))}（北京时间）封存` },
    ]);
  }
}

function beijingDateTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The hand-entered cells of a report (stats_manual_entries) and their change log. */
export class ManualEntries {
  constructor(private readonly ds: DataSource) {}

  async load(orgId: string, tplId: string, year: number, em?: EntityManager): Promise<Map<string, ManualEntryInfo>> {
    const rows: { cell_id: string; value: string; entered_by: string; display_name: string | null; entered_at: Date }[] = await (em ?? this.ds).query(
      `SELECT e.cell_id, e.value::text AS value, e.entered_by, u.display_name, e.entered_at
       FROM stats_manual_entries e LEFT JOIN users u ON u.id = e.entered_by
       WHERE e.organisation_id = $1 AND e.template_id = $2 AND e.year = $3`,
      [orgId, tplId, year],
    );
    return new Map(
      rows.map((r) => [
        r.cell_id,
        { value: Number(r.value), raw: r.value, enteredBy: r.entered_by, enteredByName: r.display_name, enteredAt: new Date(r.entered_at).toISOString() },
      ]),
    );
  }

  /** Saves entries (null removes one) and logs each change; 409 when the year is frozen. */
  async save(tpl: ReportTemplate, org: Organisation, year: number, entries: Map<string, ManualValue | null>, user: AuthUser): Promise<void> {
    await this.ds.transaction(async (em) => {
      await lockReport(em, org.id, tpl.id, year);
      await assertNotFrozen(em, tpl, org, year);
      for (const [cellId, value] of entries) {
        const old: { value: string }[] = await em.query(
          `SELECT value::text AS value FROM stats_manual_entries
           WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND cell_id = $4 FOR UPDATE`,
          [org.id, tpl.id, year, cellId],
        );
        const oldValue = old[0]?.value ?? null;
        if (value === null) {
          await em.query(`DELETE FROM stats_manual_entries WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND cell_id = $4`, [
            org.id,
            tpl.id,
            year,
            cellId,
          ]);
        } else {
          await em.query(
            `INSERT INTO stats_manual_entries (organisation_id, template_id, year, cell_id, value, entered_by, entered_at)
             VALUES ($1, $2, $3, $4, $5::numeric, $6, now())
             ON CONFLICT (organisation_id, template_id, year, cell_id)
             DO UPDATE SET value = EXCLUDED.value, entered_by = EXCLUDED.entered_by, entered_at = now()`,
            [org.id, tpl.id, year, cellId, value, user.id],
          );
        }
        const same = oldValue !== null && value !== null ? Number(oldValue) === Number(value) : oldValue === value;
        if (!same) {
          await em.query(
            `INSERT INTO stats_manual_entry_log (organisation_id, template_id, year, cell_id, old_value, new_value, entered_by)
             VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7)`,
            [org.id, tpl.id, year, cellId, oldValue, value, user.id],
          );
        }
      }
    });
  }
}
