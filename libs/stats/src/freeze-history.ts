import type { DataSource, EntityManager } from 'typeorm';
import type { FreezeHistoryEntry } from './report-doc.types';

// The reopened (retired) freezes of a report variant: report.service.ts shows them in GET …/frozen,
// report-reopen.service.ts writes them. Kept apart so neither imports the other.

export interface HistoryRow {
  id: string;
  frozen_at: Date;
  frozen_by: string;
  frozen_by_name: string | null;
  signoff: FreezeHistoryEntry['signoff'];
  reopened_at: Date;
  reopened_by: string;
  reopened_by_name: string | null;
  reopen_reason: string;
  values: Record<string, number | null> | null;
}

export const HISTORY_SELECT = `SELECT f.id, f.frozen_at, f.frozen_by, fu.display_name AS frozen_by_name, f.signoff, f.reopened_at, f.reopened_by,
    ru.display_name AS reopened_by_name, f.reopen_reason, f.report -> 'values' AS values
  FROM stats_frozen_reports f LEFT JOIN users fu ON fu.id = f.frozen_by LEFT JOIN users ru ON ru.id = f.reopened_by`;

export function historyEntry(r: HistoryRow): FreezeHistoryEntry {
  return {
    id: r.id,
    frozenAt: new Date(r.frozen_at).toISOString(),
    frozenBy: r.frozen_by,
    frozenByName: r.frozen_by_name,
    signoff: r.signoff,
    reopenedAt: new Date(r.reopened_at).toISOString(),
    reopenedBy: r.reopened_by,
    reopenedByName: r.reopened_by_name,
    reason: r.reopen_reason,
    values: r.values ?? {},
  };
}

/** The reopened (retired) freezes of one report variant, newest first. */
export async function freezeHistory(
  db: DataSource | EntityManager,
  tplId: string,
  orgId: string,
  year: number,
  subtree: boolean,
): Promise<FreezeHistoryEntry[]> {
  const rows: HistoryRow[] = await db.query(
    `${HISTORY_SELECT}
     WHERE f.organisation_id = $1 AND f.template_id = $2 AND f.year = $3 AND f.subtree = $4 AND f.reopened_at IS NOT NULL
     ORDER BY f.reopened_at DESC, f.frozen_at DESC`,
    [orgId, tplId, year, subtree],
  );
  return rows.map(historyEntry);
}

/**
 * The variant whose history a GET …/frozen without `subtree` shows when neither variant is frozen now:
 * the one with the subtree when it has history, else the own-only one; null when neither was ever reopened.
 */
export async function reopenedVariant(db: DataSource, tplId: string, orgId: string, year: number, subtree?: boolean): Promise<boolean | null> {
  const rows: { subtree: boolean }[] = await db.query(
    `SELECT subtree FROM stats_frozen_reports
     WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND ($4::boolean IS NULL OR subtree = $4::boolean) AND reopened_at IS NOT NULL
     ORDER BY subtree DESC LIMIT 1`,
    [orgId, tplId, year, subtree ?? null],
  );
  return rows.length ? rows[0].subtree : null;
}
