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
import { DocMeasure, MetricDef, metricValue, parseMetric } from './metrics';
import { Period, yearPeriod } from './period';
import type { CellDrill, FrozenView, ManualCopyView, ReopenedView, ReportDoc, Signoff } from './report-doc.types';
import { freezeHistory, reopenedVariant } from './freeze-history';
import { assembleReport, ManualEntryInfo } from './report-assembly';
import type { ManualValue } from './report-logic';
import { ReportTemplate, templateDims } from './report-template';
import { StatsCatalogue } from './stats-catalogue';
import { TemplateRegistry } from './template-registry.service';
import { WebsiteReport } from './website/website-report';
import { drillSiteFigure } from './website/website-drill';
import { websiteDefOf } from './website/website-template';

/** A stored frozen report: the figures, the ledger watermark and the members of its document cells. */
export interface FrozenRecord {
  subtree: boolean;
  watermark: string;
  report: ReportDoc;
  /** Per document cell, the items counted at the freeze (null for reports frozen before they were kept). */
  docMembers: Record<string, string[]> | null;
}

type DocsDef = Extract<MetricDef, { type: 'docs' }>;

function docCells(tpl: ReportTemplate): { cellId: string; def: DocsDef }[] {
  const out: { cellId: string; def: DocsDef }[] = [];
  for (const { cell } of tpl.cellIndex.values()) {
    const def = cell.metric ? parseMetric(cell.metric) : null;
    if (def?.type === 'docs') out.push({ cellId: cell.id, def });
  }
  return out;
}

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
  private readonly website: WebsiteReport;
  private readonly manual: ManualEntries;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ledger: LedgerQueryService,
    private readonly templates: TemplateRegistry,
    @Optional() catalogue?: StatsCatalogue,
  ) {
    this.bulletin = new BulletinReport(ds, ledger, catalogue ?? new StatsCatalogue());
    this.website = new WebsiteReport(ds, ledger, catalogue ?? new StatsCatalogue(), (o, t, y, em) => this.loadManual(o, t, y, em));
    this.manual = new ManualEntries(ds);
  }

  template(id: string): ReportTemplate {
    return this.templates.get(id);
  }

  listTemplates(): ReportTemplate[] {
    return this.templates.list();
  }

  /**
   * The report for an organisation and period: the frozen one when that variant (with the subtree, or
   * own items only) of the year was signed off, else live (`source: 'live'`, `frozen: null`).
   */
  async report(tplId: string, org: Organisation, subtree: boolean, period: Period, choice: SourceChoice = 'auto'): Promise<ReportDoc> {
    const tpl = this.templates.get(tplId);
    if (tpl.annual && period.year !== null) {
      const frozen = await this.findFrozen(tpl.id, org.id, period.year, subtree);
      if (frozen) return frozen.report;
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
    const site = websiteDefOf(tpl);
    if (site) return this.website.compute(tpl, site, org, subtree, period, em, choice);
    const scope = scopeOf(org, subtree);
    const docsWanted: { kind: string; measure: DocMeasure }[] = [];
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
   * Signs off the report of a year: computes it with ledger writes and approvals blocked (so the
   * watermark and the document members are exact), refuses when an `error` check fails, stores the
   * numbers and the members of its document cells. Each variant (with the subtree, own items only)
   * is frozen once; freezing it twice → 409.
   */
  async freeze(tplId: string, org: Organisation, subtree: boolean, year: number, signoff: Signoff, user: AuthUser): Promise<ReportDoc> {
    const tpl = this.templates.get(tplId);
    if (!tpl.annual) throw AppError.badRequest('NOT_ANNUAL', `${tpl.title}不是年度报表，不能封存`, [{ field: 'template', reason: '仅年度报表可封存' }]);
    const period = yearPeriod(year);
    return this.ds.transaction(async (em) => {
      // SHARE blocks ledger inserts until commit and waits for in-flight ones: every row at or
      // below the watermark is in the numbers, every row above it came later.
      // stats_documents likewise: an approval commits before or after the freeze, never inside it.
      await em.query('LOCK TABLE publication_records, stats_documents IN SHARE MODE');
      await lockReport(em, org.id, tpl.id, year);
      await assertNotFrozen(em, tpl, org, year, subtree);
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
      const docMembers: Record<string, string[]> = {};
      for (const { cellId, def } of docCells(tpl)) docMembers[cellId] = await this.ledger.docMembers(scopeOf(org, subtree), period, def, em);
      const [{ id, frozen_at }] = await em.query(`SELECT gen_random_uuid() AS id, now() AS frozen_at`);
      const frozenDoc: ReportDoc = {
        ...doc,
        source: 'frozen',
        signoff,
        frozen: { id, frozenAt: new Date(frozen_at).toISOString(), frozenBy: user.id, watermark: wm },
      };
      await em.query(
        `INSERT INTO stats_frozen_reports (id, organisation_id, template_id, year, subtree, period_from, period_to,
           ledger_watermark, frozen_by, frozen_at, signoff, report, doc_members)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          org.id,
          tpl.id,
          year,
          subtree,
          period.from,
          period.to,
          wm,
          user.id,
          frozen_at,
          JSON.stringify(signoff),
          JSON.stringify(frozenDoc),
          JSON.stringify(docMembers),
        ],
      );
      return frozenDoc;
    });
  }

  /**
   * The current frozen report of a year: the variant asked for (`subtree`), or without one the report
   * with the subtree when frozen, else the own-only one. Reopened freezes (退回重填) are history, not current.
   */
  async findFrozen(tplId: string, orgId: string, year: number, subtree?: boolean): Promise<FrozenRecord | null> {
    const rows = await this.ds.query(
      `SELECT subtree, ledger_watermark::text AS watermark, report, doc_members FROM stats_frozen_reports
       WHERE organisation_id = $1 AND template_id = $2 AND year = $3 AND ($4::boolean IS NULL OR subtree = $4::boolean) AND reopened_at IS NULL
       ORDER BY subtree DESC LIMIT 1`,
      [orgId, tplId, year, subtree ?? null],
    );
    if (!rows.length) return null;
    return { subtree: rows[0].subtree, watermark: rows[0].watermark, report: rows[0].report, docMembers: rows[0].doc_members ?? null };
  }

  /**
   * The frozen report with what changed since: cells that would differ now (a document cell also when
   * its members changed, with how many joined and left), ledger rows recorded after.
   */
  async frozenView(tplId: string, org: Organisation, year: number, subtree?: boolean): Promise<FrozenView> {
    const view = await this.frozenState(tplId, org, year, subtree);
    if (!view.report)
      throw AppError.conflict('REPORT_REOPENED', `${this.templates.get(tplId).title}已重新打开，尚未重新封存`, [{ field: 'year', reason: '已重新打开' }]);
    return view;
  }

  /**
   * GET …/frozen: the current freeze with what changed since and the earlier (reopened) freezes of the
   * variant; a variant reopened and not frozen again answers its history only (`report: null`).
   */
  async frozenState(tplId: string, org: Organisation, year: number, subtree?: boolean): Promise<FrozenView | ReopenedView> {
    const tpl = this.templates.get(tplId);
    const frozen = await this.findFrozen(tpl.id, org.id, year, subtree);
    if (!frozen) {
      const reopened = await reopenedVariant(this.ds, tpl.id, org.id, year, subtree);
      if (reopened !== null)
        return { report: null, changesSinceFreeze: null, subtree: reopened, history: await freezeHistory(this.ds, tpl.id, org.id, year, reopened) };
    }
    if (!frozen) throw AppError.notFound('已封存报表', `${tpl.id}/${year}${subtree === undefined ? '' : subtree ? '（含下级单位）' : '（本单位）'}`);
    const period = yearPeriod(year);
    const live = await this.computeLive(tpl, org, frozen.subtree, period);
    const moved = new Map<string, { joined: number; left: number }>();
    for (const { cellId, def } of docCells(tpl)) {
      const then = frozen.docMembers?.[cellId];
      if (!then) continue;
      const now = new Set(await this.ledger.docMembers(scopeOf(org, frozen.subtree), period, def));
      const before = new Set(then);
      moved.set(cellId, { joined: [...now].filter((x) => !before.has(x)).length, left: then.filter((x) => !now.has(x)).length });
    }
    const cells = [...tpl.cellIndex.values()]
      .filter(({ cell }) => !!cell.metric)
      .map(({ cell }) => {
        const f = frozen.report.values[cell.id] ?? null;
        const c = live.values[cell.id] ?? null;
        const m = moved.get(cell.id);
        const changed = f !== c || (!!m && (m.joined > 0 || m.left > 0));
        return { cellId: cell.id, label: cellLabel(tpl, cell.id), frozen: f, current: c, changed, ...(m ?? {}) };
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
      history: await freezeHistory(this.ds, tpl.id, org.id, year, frozen.subtree),
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
    const site = websiteDefOf(tpl);
    if (site?.siteCells.has(cellId)) {
      const frozen = tpl.annual && period.year !== null ? await this.findFrozen(tpl.id, org.id, period.year, subtree) : null;
      return drillSiteFigure(this.ds, site, scope, period, cellId, cellLabel(tpl, cellId), opts, base, frozen);
    }
    if (!hit.cell.metric) {
      throw AppError.badRequest('CELL_NOT_COMPUTED', '该单元格不是由系统计算的，没有明细', [{ field: 'cell', reason: hit.cell.manual ? '手工填报' : '合计' }]);
    }
    const def = parseMetric(hit.cell.metric)!;
    // A frozen report (this variant, a calendar year) lists its frozen members and what changed since.
    const frozen = tpl.annual && period.year !== null ? await this.findFrozen(tpl.id, org.id, period.year, subtree) : null;
    const members = frozen && def.type === 'docs' ? (frozen.docMembers?.[cellId] ?? null) : null;
    const r = await this.ledger.drillLedger(scope, period, def, { ...opts, watermark: frozen?.watermark ?? null, members });
    const frozenValue = frozen ? frozen.report.values[cellId] : undefined;
    return {
      cell: { id: cellId, label: cellLabel(tpl, cellId), metric: hit.cell.metric, value: frozenValue !== undefined ? frozenValue : r.total },
      report: base,
      frozen: !!frozen,
      total: r.total,
      limit: opts.limit,
      offset: opts.offset,
      items: r.items,
      sinceFreeze: r.sinceFreeze ?? null,
    };
  }
}
