import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { LedgerQueryService, Scope } from './ledger-query.service';
import type { SourceChoice } from './ledger-query.types';
import { CHANNEL_LABELS, metricDims, MetricDef, metricValue, parseMetric } from './metrics';
import { beijingDateOf, beijingMidnightUtc, parseDate, Period, yearPeriod } from './period';
import type { BulletinAccount, CellDrill, CellValue, FrozenView, ReportDoc, RowDoc, Signoff, TableDoc } from './report-doc.types';
import { assembleReport, ManualEntryInfo } from './report-assembly';
import type { ManualValue } from './report-logic';
import { ReportTemplate, templateDims } from './report-template';
import { TemplateRegistry } from './template-registry.service';

/** Arbitrary, fixed first key of the advisory lock that serialises manual entries and freezes of one report. */
const REPORT_LOCK_KEY = 727274105;

function scopeOf(org: Organisation, subtree: boolean): Scope {
  return { orgId: org.id, orgPath: org.path, subtree };
}

function todayBeijing(): string {
  return beijingDateOf(new Date());
}

function daysBetween(from: string, to: string): number {
  return parseDate(to)!.epochDay - parseDate(from)!.epochDay;
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
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ledger: LedgerQueryService,
    private readonly templates: TemplateRegistry,
  ) {}

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
    if (tpl.layout === 'C') return this.computeBulletin(tpl, org, subtree, period, choice);
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
      computed.set(cell.id, def.type === 'docs' ? docs.get(`${def.kind}.${def.measure}`) ?? 0 : metricValue(def, counts));
    }
    return assembleReport(tpl, org, subtree, period, computed, manual, source);
  }

  async loadManual(orgId: string, tplId: string, year: number, em?: EntityManager): Promise<Map<string, ManualEntryInfo>> {
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
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REPORT_LOCK_KEY, `${org.id}/${tpl.id}/${year}`]);
      await this.assertNotFrozen(em, tpl, org, year);
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
    return this.computeLive(tpl, org, subtree, yearPeriod(year));
  }

  private async assertNotFrozen(em: EntityManager, tpl: ReportTemplate, org: Organisation, year: number): Promise<void> {
    const rows: { frozen_at: Date }[] = await em.query(
      `SELECT frozen_at FROM stats_frozen_reports WHERE organisation_id = $1 AND template_id = $2 AND year = $3`,
      [org.id, tpl.id, year],
    );
    if (rows.length) {
      throw AppError.conflict('REPORT_FROZEN', `「${org.name}」${year}年度${tpl.title}已封存，不能修改`, [
        { field: 'year', reason: `已于 ${new Date(rows[0].frozen_at).toISOString()} 封存` },
      ]);
    }
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
      await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REPORT_LOCK_KEY, `${org.id}/${tpl.id}/${year}`]);
      await this.assertNotFrozen(em, tpl, org, year);
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
  async drill(
    tplId: string,
    org: Organisation,
    subtree: boolean,
    period: Period,
    cellId: string,
    opts: { limit: number; offset: number },
  ): Promise<CellDrill> {
    const tpl = this.templates.get(tplId);
    const scope = scopeOf(org, subtree);
    const base = { template: tpl.id, organisationId: org.id, subtree, period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year } };
    if (tpl.layout === 'C') return this.drillBulletin(tpl, org, scope, period, cellId, opts, base);
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

  // ---------- layout C: 通报 ----------

  private referenceDate(period: Period): { date: string; endUtc: Date } {
    const today = todayBeijing();
    const date = period.to < today ? period.to : today;
    return { date, endUtc: new Date(beijingMidnightUtc(date).getTime() + 86400_000) };
  }

  private staleLimit(tpl: ReportTemplate, channelType: string): number {
    const s = tpl.bulletin!.staleDays;
    return s[channelType] ?? s.default ?? 30;
  }

  private async subtreeOrgs(org: Organisation, subtree: boolean): Promise<{ id: string; parent_id: string | null; code: string; name: string; path: string }[]> {
    if (!subtree) return [{ id: org.id, parent_id: org.parentId, code: org.code, name: org.name, path: org.path }];
    const rows: { id: string; parent_id: string | null; code: string; name: string; path: string }[] = await this.ds.query(
      `SELECT id, parent_id, code, name, path FROM organisations WHERE path LIKE $1`,
      [org.path + '%'],
    );
    // Depth-first, siblings by code: the order a 通报 lists units in.
    const children = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = r.id === org.id ? '' : r.parent_id ?? '';
      if (!children.has(k)) children.set(k, []);
      children.get(k)!.push(r);
    }
    for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
    const out: typeof rows = [];
    const walk = (r: (typeof rows)[number]) => {
      out.push(r);
      for (const c of children.get(r.id) ?? []) walk(c);
    };
    walk(rows.find((r) => r.id === org.id)!);
    return out;
  }

  private async computeBulletin(tpl: ReportTemplate, org: Organisation, subtree: boolean, period: Period, choice: SourceChoice): Promise<ReportDoc> {
    const b = tpl.bulletin!;
    const scope = scopeOf(org, subtree);
    const cols = b.orgColumns.map((c) => ({ ...c, def: parseMetric(c.metric)! }));
    const dims = [...new Set(cols.flatMap((c) => metricDims(c.def)))];
    const orgs = await this.subtreeOrgs(org, subtree);
    const orgIds = orgs.map((o) => o.id);
    const ref = this.referenceDate(period);
    const accounts: { id: string; name: string; channel_type: string; organisation_id: string }[] = await this.ds.query(
      `SELECT id, name, channel_type, organisation_id FROM channel_accounts WHERE organisation_id = ANY($1::uuid[]) ORDER BY channel_type, name, id`,
      [orgIds],
    );
    const [perOrg, totals, lastOrg, acctCounts, lastAcct] = await Promise.all([
      this.ledger.countDimsPerOrg(scope, period, dims, choice),
      this.ledger.countDims(scope, period, dims, choice),
      this.ledger.lastPublicationByOrg(orgIds, ref.endUtc),
      this.ledger.countDims(null, period, accounts.map((a) => `a:${a.id}`), choice),
      this.ledger.lastPublicationByAccount(accounts.map((a) => a.id), ref.endUtc),
    ]);
    const values: Record<string, number | null> = {};
    const num = (id: string, v: number | null, column: string, drillable = true): CellValue => {
      values[id] = v;
      return { id, value: v, source: 'computed', valueType: 'integer', column, drillable };
    };
    const info = (id: string, text: string, column: string): CellValue => ({ id, value: null, text, source: 'info', valueType: 'integer', column, drillable: false });
    const days = (last: Date | undefined) => (last ? daysBetween(beijingDateOf(last), ref.date) : null);
    const rootDepth = org.path.split('/').filter(Boolean).length;
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));

    const orgRows: RowDoc[] = orgs.map((o) => {
      const counts = perOrg.get(o.id) ?? new Map<string, number>();
      const last = lastOrg.get(o.id);
      return {
        label: o.name,
        indent: o.path.split('/').filter(Boolean).length - rootDepth,
        heading: false,
        cells: [
          ...cols.map((c) => num(`org.${o.id}.${c.key}`, metricValue(c.def, counts), c.label)),
          info(`org.${o.id}.last`, last ? beijingDateOf(last) : '—', '最近发布日期'),
          num(`org.${o.id}.days`, days(last), '距最近发布天数', !!last),
        ],
      };
    });
    if (subtree) {
      orgRows.push({
        label: '合计（含下级单位，同一信息计1条）',
        indent: 0,
        heading: false,
        cells: [...cols.map((c) => num(`subtree.${c.key}`, metricValue(c.def, totals.counts), c.label)), info('subtree.last', '', '最近发布日期'), info('subtree.days', '', '距最近发布天数')],
      });
    }
    const bulletinAccounts: BulletinAccount[] = accounts.map((a) => {
      const last = lastAcct.get(a.id);
      const d = days(last);
      const limit = this.staleLimit(tpl, a.channel_type);
      return {
        accountId: a.id,
        name: a.name,
        channelType: a.channel_type,
        organisationId: a.organisation_id,
        organisationName: orgName.get(a.organisation_id) ?? '',
        items: acctCounts.counts.get(`a:${a.id}`) ?? 0,
        lastPublishedAt: last ? last.toISOString() : null,
        daysSinceLast: d,
        staleLimitDays: limit,
        stale: d === null || d > limit,
      };
    });
    const acctRows: RowDoc[] = bulletinAccounts.map((a) => ({
      label: a.name,
      indent: 0,
      heading: false,
      cells: [
        info(`acct.${a.accountId}.channel`, CHANNEL_LABELS[a.channelType] ?? a.channelType, '渠道'),
        info(`acct.${a.accountId}.owner`, a.organisationName, '所属单位'),
        num(`acct.${a.accountId}.items`, a.items, '本期发布信息数'),
        info(`acct.${a.accountId}.last`, a.lastPublishedAt ? beijingDateOf(new Date(a.lastPublishedAt)) : '—', '最近发布日期'),
        num(`acct.${a.accountId}.days`, a.daysSinceLast, '距最近发布天数', a.daysSinceLast !== null),
        info(
          `acct.${a.accountId}.status`,
          a.daysSinceLast === null ? '从未发布' : a.stale ? `超过${a.staleLimitDays}天未更新` : '正常',
          '状态',
        ),
      ],
    }));
    const tables: TableDoc[] = [
      {
        id: 'orgs',
        title: '一、各单位信息发布情况',
        sections: [
          {
            labelHeader: '单位',
            unitColumn: false,
            columns: [...cols.map((c) => ({ label: c.label, groups: c.key === 'total' ? [] : ['其中'] })), { label: '最近发布日期', groups: [] }, { label: '距最近发布天数', groups: [] }],
            rows: orgRows,
          },
        ],
      },
      {
        id: 'accounts',
        title: '二、各账号更新情况',
        note: `统计截止日期：${ref.date}；政务新媒体和网站超过规定天数未更新的标注为超期`,
        sections: [
          {
            labelHeader: '账号',
            unitColumn: false,
            columns: ['渠道', '所属单位', '本期发布信息数', '最近发布日期', '距最近发布天数', '状态'].map((l) => ({ label: l, groups: [] })),
            rows: acctRows.length ? acctRows : [{ label: '（无账号）', indent: 0, heading: true, cells: [] }],
          },
        ],
      },
    ];
    return {
      template: { id: tpl.id, title: tpl.title, subtitle: tpl.subtitle, layout: tpl.layout },
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree,
      period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year },
      source: 'live',
      countSource: totals.source,
      generatedAt: new Date().toISOString(),
      tables,
      values,
      checks: [],
      manualMissing: [],
      signoff: null,
      frozen: null,
      bulletin: { referenceDate: ref.date, accounts: bulletinAccounts, staleAccounts: bulletinAccounts.filter((a) => a.stale).length },
    };
  }

  private async drillBulletin(
    tpl: ReportTemplate,
    org: Organisation,
    scope: Scope,
    period: Period,
    cellId: string,
    opts: { limit: number; offset: number },
    base: CellDrill['report'],
  ): Promise<CellDrill> {
    const cols = new Map(tpl.bulletin!.orgColumns.map((c) => [c.key, c]));
    const m = /^(subtree|org|acct)(?:\.([0-9a-f-]{36}))?\.([a-zA-Z]+)$/.exec(cellId);
    if (!m || (m[1] === 'subtree') !== (m[2] === undefined)) throw AppError.notFound('单元格', cellId);
    const [, kind, id, key] = m;
    const ref = this.referenceDate(period);
    let label = cellId;
    let def: MetricDef | null = null;
    let metricId: string | null = null;
    let target: Scope | null = scope;
    let last: { kind: 'org' | 'account'; id: string } | null = null;
    if (kind === 'subtree' || kind === 'org') {
      if (kind === 'org') {
        const rows = await this.ds.query(`SELECT id, path, name FROM organisations WHERE id = $1`, [id]);
        if (!rows.length || !(scope.subtree ? rows[0].path.startsWith(org.path) : rows[0].id === org.id)) throw AppError.notFound('单元格', cellId);
        target = { orgId: rows[0].id, orgPath: rows[0].path, subtree: false };
        label = rows[0].name;
      } else {
        label = '合计';
      }
      if (key === 'days' && kind === 'org') last = { kind: 'org', id: id! };
      else if (cols.has(key)) {
        metricId = cols.get(key)!.metric;
        def = parseMetric(metricId)!;
        label = `${label} / ${cols.get(key)!.label}`;
      } else throw AppError.notFound('单元格', cellId);
    } else {
      const rows = await this.ds.query(
        `SELECT a.id, a.name FROM channel_accounts a JOIN organisations o ON o.id = a.organisation_id
         WHERE a.id = $1 AND ${scope.subtree ? `o.path LIKE $2 || '%'` : `o.id = $3`}`,
        scope.subtree ? [id, org.path] : [id, null, org.id],
      );
      if (!rows.length) throw AppError.notFound('单元格', cellId);
      label = rows[0].name;
      if (key === 'items') {
        metricId = `ledger.account.${id}`;
        def = parseMetric(metricId)!;
        target = null;
        label += ' / 本期发布信息数';
      } else if (key === 'days') last = { kind: 'account', id: id! };
      else throw AppError.notFound('单元格', cellId);
    }
    const r = last ? await this.ledger.lastPublicationItem(last.kind, last.id, ref.endUtc) : await this.ledger.drillLedger(target, period, def!, opts);
    return {
      cell: { id: cellId, label: last ? `${label} / 最近一次发布` : label, metric: metricId, value: last ? null : r.total },
      report: base,
      frozen: false,
      total: r.total,
      limit: opts.limit,
      offset: opts.offset,
      items: r.items,
    };
  }
}
