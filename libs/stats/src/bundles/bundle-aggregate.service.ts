import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { yearPeriod } from '../period';
import type { ReportDoc } from '../report-doc.types';
import { assembleReport, ManualEntryInfo } from '../report-assembly';
import { ReportService } from '../report.service';
import type { AggregateInfo } from './bundle.types';

/**
 * Adds an accepted bundle's leaf figures to stats_bundle_totals, in the accepting transaction (cells in
 * key order, so two acceptances at once lock the rows in one order).
 */
export async function addToBundleTotals(db: Pick<DataSource, 'query'>, bundleId: string): Promise<void> {
  await db.query(
    `INSERT INTO stats_bundle_totals (receiver_org_id, template_id, year, cell_id, total)
     SELECT b.receiver_org_id, b.template_id, b.year, f.key, f.value::numeric
     FROM stats_bundles b CROSS JOIN LATERAL jsonb_each_text(b.figures) f WHERE b.id = $1 AND b.status = 'accepted' ORDER BY f.key
     ON CONFLICT (receiver_org_id, template_id, year, cell_id) DO UPDATE SET total = stats_bundle_totals.total + EXCLUDED.total`,
    [bundleId],
  );
}

/** Recomputes stats_bundle_totals from the accepted bundles (after a bulk load; the same sums as addToBundleTotals). */
export async function rebuildBundleTotals(db: Pick<DataSource, 'query'>): Promise<void> {
  await db.query(`DELETE FROM stats_bundle_totals`);
  await db.query(
    `INSERT INTO stats_bundle_totals (receiver_org_id, template_id, year, cell_id, total)
     SELECT b.receiver_org_id, b.template_id, b.year, f.key, sum(f.value::numeric)
     FROM stats_bundles b CROSS JOIN LATERAL jsonb_each_text(b.figures) f
     WHERE b.status = 'accepted' AND b.superseded_by IS NULL GROUP BY 1, 2, 3, 4`,
  );
}

/** The accepted bundles' figures summed per cell (numeric in Postgres, so 万元 amounts stay exact), and which bundles they are. */
export async function acceptedFigureSums(
  db: Pick<DataSource, 'query'>,
  orgId: string,
  tplId: string,
  year: number,
): Promise<{ sums: Map<string, number>; bundles: AggregateInfo['bundles'] }> {
  const [sumRows, bundleRows] = await Promise.all([
    db.query(`SELECT cell_id AS cell, total::text AS total FROM stats_bundle_totals WHERE receiver_org_id = $1 AND template_id = $2 AND year = $3`, [
      orgId,
      tplId,
      year,
    ]),
    db.query(
      `SELECT b.id, b.sender_id, s.name AS sender_name, b.sender_org FROM stats_bundles b JOIN stats_bundle_senders s ON s.id = b.sender_id
       WHERE b.receiver_org_id = $1 AND b.template_id = $2 AND b.year = $3 AND b.status = 'accepted' AND b.superseded_by IS NULL
       ORDER BY s.name, b.id`,
      [orgId, tplId, year],
    ),
  ]);
  return {
    sums: new Map(sumRows.map((r: { cell: string; total: string }) => [r.cell, Number(r.total)])),
    bundles: bundleRows.map((r: any) => ({
      id: r.id,
      senderId: r.sender_id,
      senderName: r.sender_name,
      organisation: { name: r.sender_org.name, code: r.sender_org.code },
    })),
  };
}

const SCALE = 10000;
const add = (a: number | null | undefined, b: number | null | undefined) => (Math.round((a ?? 0) * SCALE) + Math.round((b ?? 0) * SCALE)) / SCALE;

/**
 * The receiver's own report plus every accepted bundle: each leaf cell (computed or hand-entered) is
 * added across installations, then the template's sums and checks are redone. Counts of distinct items
 * add because installations are disjoint: an item is written, and counted, by one installation only.
 */
export function combineWithBundles(own: ReportDoc, sums: Map<string, number>): { computed: Map<string, number>; manual: Map<string, ManualEntryInfo> } {
  const computed = new Map<string, number>();
  const manual = new Map<string, ManualEntryInfo>();
  const at = new Date().toISOString();
  for (const t of own.tables)
    for (const s of t.sections)
      for (const r of s.rows)
        for (const c of r.cells) {
          if (c.source === 'computed') computed.set(c.id, add(c.value, sums.get(c.id)));
          else if (c.source === 'manual' && (c.value !== null || sums.has(c.id))) {
            const v = add(c.value, sums.get(c.id));
            manual.set(c.id, { value: v, raw: String(v), enteredBy: 'aggregate', enteredByName: '汇总', enteredAt: at });
          }
        }
  return { computed, manual };
}

@Injectable()
export class BundleAggregateService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly reports: ReportService,
  ) {}

  /** GET stats/reports/:template/aggregate: the organisation's report (frozen if it was) with its accepted bundles added. */
  async aggregate(tplId: string, org: Organisation, subtree: boolean, year: number): Promise<ReportDoc & { aggregate: AggregateInfo }> {
    const tpl = this.reports.template(tplId);
    if (!tpl.annual || tpl.layout === 'C') {
      throw AppError.badRequest('NOT_ANNUAL', `${tpl.title}不是年度报表，不能汇总报送包`, [{ field: 'template', reason: '仅年度报表可汇总' }]);
    }
    const period = yearPeriod(year);
    const [own, { sums, bundles }] = await Promise.all([this.reports.report(tpl.id, org, subtree, period), acceptedFigureSums(this.ds, org.id, tpl.id, year)]);
    const { computed, manual } = combineWithBundles(own, sums);
    const doc = assembleReport(tpl, org, subtree, period, computed, manual, own.countSource);
    return {
      ...doc,
      aggregate: {
        own: { source: own.source },
        bundles,
        note: `本级${own.source === 'frozen' ? '（已封存）' : '（当前台账）'}与已采纳的 ${bundles.length} 份下级报送包逐项相加；各安装实例的信息互不重复，去重条数可直接相加`,
      },
    };
  }
}
