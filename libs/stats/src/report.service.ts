import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { BulletinReport } from './bulletin-report';
import { LedgerQueryService, Scope } from './ledger-query.service';
import type { SourceChoice } from './ledger-query.types';
import { copyPreviousYearManual } from './manual-copy';
import { assertNotFrozen, lockReport, ManualEntries } from './manual-entries';
import { metricValue, parseMetric } from './metrics';
import { Period, yearPeriod } from './period';
import type { CellDrill, FrozenView, ManualCopyView, ReportDoc, Signoff } from './report-doc.types';
import { assembleReport, ManualEntryInfo } from './report-assembly';
import type { ManualValue } from './report-logic';
import { ReportTemplate, templateDims } from './report-template';
import { StatsCatalogue } from './stats-catalogue';
import { TemplateRegistry } from './template-registry.service';

function scopeOf(org: Organisation, subtree: boolean): Scope {
  return { orgId: org.id, orgPath: org.path, subtree };
}

/** Label of a cell for CSV and change lists: the row label, plus the column when there are several. */
export function cellLabel(tpl: ReportTemplate, id: string): string {
  const hit = tpl.cellIndex.get(id);
  if (!hit) return id;
  const multi = hit.section.columns.length > 1 || hit.row.cells.length > 1;
  const col = hit.cell.column && multi ? ` / ${hit.cell.column}` : '';
  return `${hit.row.label}${col}`;
}

/**
 * Builds reports from templates: computed cells from the ledger (LedgerQueryService), manual cells
 * from stats_manual_entries, sums and checks from the template. Annual reports can be frozen; a
 * frozen report is served as stored, with what changed in the ledger since.
 */
@Injectable()
export class ReportService {
  private readonly bulletin: BulletinReport;
  private readonly manual: ManualEntries;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ledger: LedgerQueryService,
    private readonly templates: TemplateRegistry,
    @Optional() catalogue?: StatsCatalogue,
  ) {
    this.bulletin = new BulletinReport(ds, ledger, catalogue ?? new StatsCatalogue());
    this.manual = new ManualEntries(ds);
  }

  template(id: string): ReportTemplate {
    return this.templates.get(id);
  }

  listTemplates(): ReportTemplate[] {
    return this.templates.list();
  }

  /** The report for an organisation and period: the frozen one when the year was signed off, else live. */
  async report(tplId: string, org: Organisation, subtree: boolean, period: Period, choice: SourceChoice = 'auto'): Promise<ReportDoc> {
    const tpl = this.templates.get(tplId);
    if (tpl.annual && period.year !== null) {
      const frozen = await this.findFrozen(tpl.id, org.id, period.year);
      if (frozen && frozen.subtree === subtree) return frozen.report;
    }
    return this.computeLive(tpl, org, subtree, period, undefined, choice);
  }

  async computeLive(
    tpl: ReportTemplate,
    org: Organisation,
    subtree: boolean,
    period: Period,
    em?: EntityManager,
    choice: SourceChoice = 'auto',
  ): Promise<ReportDoc> {
    if (tpl.layout === 'C') return this.bulletin.compute(tpl, org, subtree, period, choice);
    const scope = scopeOf(org, subtree);
    const docsWanted: { kind: string; measure: 'written' | 'repealed' | 'inForce' }[] = [];
    for (const { cell } of tpl.cellIndex.values()) {
      const def = cell.metric ? parseMetric(cell.metric)! : null;
      if (def?.type === 'docs') docsWanted.push({ kind: def.kind, measure: def.measure });
    }
    const manualYear = tpl.annual && period.year !== null ? period.year : null;
    const loaders = [
      () => this.ledger.countDims(scope, period, templateDims(tpl), choice, em),
      () => this.ledger.docCounts(scope, period, docsWanted, em),
      () => (manualYear !== null ? this.loadManual(org.id, tpl.id, manualYear, em) : Promise.resolve(new Map<string, ManualEntryInfo>())),
    ] as const;
    // A transaction's EntityManager is one connection: query it in turn; the pool may run them at once.
    const [{ counts, source }, docs, manual] = em
      ? [await loaders[0](), await loaders[1](), await loaders[2]()]
      : await Promise.all([loaders[0](), loaders[1](), loaders[2]()]);
    const computed = new Map<string, number>();
    for (const { cell } of tpl.cellIndex.values()) {
      if (!cell.metric) continue;
      const def = parseMetric(cell.metric)!;
      computed.set(cell.id, def.type === 'docs' ? (docs.get(`${def.kind}.${def.measure}`) ?? 0) : metricValue(def, counts));
    }
    return assembleReport(tpl, org, subtree, period, computed, manual, source);
  }

  loadManual(orgId: string, tplId: string, year: number, em?: EntityManager): Promise<Map<string, ManualEntryInfo>> {
    return this.manual.load(orgId, tplId, year, em);
  }

  /** Saves manual entries (null removes one); 409 when the year is frozen. Returns the live report. */
  async saveManual(
    tplId: string,
    org: Organisation,
    year: number,
    entries: Map<string, ManualValue | null>,
    user: AuthUser,
    subtree = true,
  ): Promise<ReportDoc> {
    const tpl = this.templates.get(tplId);
    await this.manual.save(tpl, org, year, entries, user);
    return this.computeLive(tpl, org, subtree, yearPeriod(year));
  }

  /** 复制上年手工填报数 (manual-copy.ts): last year's entries into this year's empty cells; the live report after. */
  async copyManualFromPreviousYear(tplId: string, org: Organisation, year: number, user: AuthUser, subtree = true): Promise<ManualCopyView> {
    const tpl = this.templates.get(tplId);
    const result = await copyPreviousYearManual(this.ds, tpl, org, year, user);
    return { ...result, report: await this.computeLive(tpl, org, subtree, yearPeriod(year)) };
  }

  /**
   * Signs off the report of a year: computes it with ledger writes blocked (so the watermark is
   * exact), refuses when an `error` check fails, stores the numbers. Freezing twice → 409.
   */
  async freeze(tplId: string, org: Organisation, subtree: boolean, year: number, signoff: Signoff, user: AuthUser): Promise<ReportDoc> {
    const tpl = this.templates.get(tplId);
    if (!tpl.annual) throw AppError.badRequest('NOT_ANNUAL', `${tpl.title}不是年度报表，不能封存`, [{ field: 'template', reason: '仅年度报表可封存' }]);
    const period = yearPeriod(year);
    return this.ds.transaction(async (em) => {
      // SHARE blocks ledger inserts until commit and waits for in-flight ones: every row at or
      // below the watermark is in the numbers, every row above it came later.
      await em.query('LOCK TABLE publication_records IN SHARE MODE');
      await lockReport(em, org.id, tpl.id, year);
      await assertNotFrozen(em, tpl, org, year);
      const doc = await this.computeLive(tpl, org, subtree, period, em);
      const failed = doc.checks.filter((c) => c.severity === 'error' && !c.ok);
      if (failed.length) {
        throw AppError.unprocessable(
          'REPORT_CHECKS_FAILED',
          `报表校验未通过，不能封存：${failed[0].label}（${failed[0].detail}）`,
          failed.map((c) => ({ field: c.id, reason: `${c.label}：${c.detail}` })),
        );
      }
      const [{ wm }] = await em.query(`SELECT COALESCE(max(id), 0)::text AS wm FROM publication_records`);
      const [{ id, frozen_at }] = await em.query(`SELECT gen_random_uuid() AS id, now() AS frozen_at`);
      const frozenDoc: ReportDoc = {
        ...doc,
        source: 'frozen',
        signoff,
        frozen: { id, frozenAt: new Date(frozen_at).toISOString(), frozenBy: user.id, watermark: wm },
      };
      await em.query(
        `INSERT INTO stats_frozen_reports (id, organisation_id, template_id, year, subtree, period_from, period_to,
           ledger_watermark, frozen_by, frozen_at, signoff, report)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [id, org.id, tpl.id, year, subtree, period.from, period.to, wm, user.id, frozen_at, JSON.stringify(signoff), JSON.stringify(frozenDoc)],
      );
      return frozenDoc;
    });
  }

  async findFrozen(tplId: string, orgId: string, year: number): Promise<{ subtree: boolean; watermark: string; report: ReportDoc } | null> {
    const rows = await this.ds.query(
      `SELECT subtree, ledger_watermark::text AS watermark, report FROM stats_frozen_reports
       WHERE organisation_id = $1 AND template_id = $2 AND year = $3`,
      [orgId, tplId, year],
    );
    return rows.length ? { subtree: rows[0].subtree, watermark: rows[0].watermark, report: rows[0].report } : null;
  }

  /** The frozen report with what changed since: cells that would differ now, ledger rows recorded after. */
  async frozenView(tplId: string, org: Organisation, year: number): Promise<FrozenView> {
    const tpl = this.templates.get(tplId);
    const frozen = await this.findFrozen(tpl.id, org.id, year);
    if (!frozen) throw AppError.notFound('已封存报表', `${tpl.id}/${year}`);
    const period = yearPeriod(year);
    const live = await this.computeLive(tpl, org, frozen.subtree, period);
    const cells = [...tpl.cellIndex.values()]
      .filter(({ cell }) => !!cell.metric)
      .map(({ cell }) => {
        const f = frozen.report.values[cell.id] ?? null;
        const c = live.values[cell.id] ?? null;
        return { cellId: cell.id, label: cellLabel(tpl, cell.id), frozen: f, current: c, changed: f !== c };
      });
    const addedRecords = await this.ledger.recordsAfter(scopeOf(org, frozen.subtree), period, frozen.watermark);
    const byItem = new Map<string, { itemId: string; title: string; indexNo: string; records: number }>();
    for (const r of addedRecords) {
      const e = byItem.get(r.itemId) ?? { itemId: r.itemId, title: r.title, indexNo: r.indexNo, records: 0 };
      e.records++;
      byItem.set(r.itemId, e);
    }
    return {
      report: frozen.report,
      changesSinceFreeze: {
        watermark: frozen.watermark,
        changedCells: cells.filter((c) => c.changed).length,
        cells,
        addedRecords,
        addedItems: [...byItem.values()],
      },
    };
  }

  /** The items behind one computed cell. */
  async drill(tplId: string, org: Organisation, subtree: boolean, period: Period, cellId: string, opts: { limit: number; offset: number }): Promise<CellDrill> {
    const tpl = this.templates.get(tplId);
    const scope = scopeOf(org, subtree);
    const base = {
      template: tpl.id,
      organisationId: org.id,
      subtree,
      period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year },
    };
    if (tpl.layout === 'C') return this.bulletin.drill(tpl, org, scope, period, cellId, opts, base);
    const hit = tpl.cellIndex.get(cellId);
    if (!hit) throw AppError.notFound('单元格', cellId);
    if (!hit.cell.metric) {
      throw AppError.badRequest('CELL_NOT_COMPUTED', '该单元格不是由系统计算的，没有明细', [{ field: 'cell', reason: hit.cell.manual ? '手工填报' : '合计' }]);
    }
    const def = parseMetric(hit.cell.metric)!;
    let watermark: string | null = null;
    let frozenValue: number | null | undefined;
    if (tpl.annual && period.year !== null) {
      const frozen = await this.findFrozen(tpl.id, org.id, period.year);
      if (frozen && frozen.subtree === subtree) {
        watermark = frozen.watermark;
        frozenValue = frozen.report.values[cellId];
      }
    }
    const r = await this.ledger.drillLedger(scope, period, def, { ...opts, watermark });
    return {
      cell: { id: cellId, label: cellLabel(tpl, cellId), metric: hit.cell.metric, value: frozenValue !== undefined ? frozenValue : r.total },
      report: base,
      frozen: watermark !== null,
      total: r.total,
      limit: opts.limit,
      offset: opts.offset,
      items: r.items,
    };
  }
}
