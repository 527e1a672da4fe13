import type { DataSource, EntityManager } from 'typeorm';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import type { LedgerQueryService } from '../ledger-query.service';
import type { SourceChoice } from '../ledger-query.types';
import type { Scope } from '../ledger-scope';
import { metricValue, parseMetric } from '../metrics';
import type { Period } from '../period';
import type { ManualEntryInfo } from '../report-assembly';
import type { CellValue, CheckResult, ReportDoc, RowDoc, TableDoc } from '../report-doc.types';
import { computeSums, evaluateChecks } from '../report-logic';
import type { CellDef, ReportTemplate } from '../report-template';
import { templateDims } from '../report-template';
import type { StatsCatalogue } from '../stats-catalogue';
import { newMediaAccounts, siteFigures, siteIdentity, type NewMediaAccount } from './website-queries';
import { accountCellId, ITEM_FIGURES, type WebsiteDef } from './website-template';

export type ManualLoader = (orgId: string, tplId: string, year: number, em?: EntityManager) => Promise<Map<string, ManualEntryInfo>>;

/**
 * The 政府网站工作年度报表 (a template with a `website` block, website-template.ts): the fixed rows as
 * any layout A report (ledger metrics, manual entries, sums, checks), the site's own figures from its
 * ledger rows and columns, its identity as text, and one row per 政务新媒体 account — name, platform
 * (the label its channel declares), items published through it in the period (from the ledger, drillable)
 * and followers (entered by hand: cell `<table>.<account id>.followers`; no platform API is read).
 */
export class WebsiteReport {
  constructor(
    private readonly ds: DataSource,
    private readonly ledger: LedgerQueryService,
    private readonly catalogue: StatsCatalogue,
    private readonly loadManual: ManualLoader,
  ) {}

  async compute(
    tpl: ReportTemplate,
    def: WebsiteDef,
    org: Organisation,
    subtree: boolean,
    period: Period,
    em?: EntityManager,
    choice: SourceChoice = 'auto',
  ): Promise<ReportDoc> {
    const db = em ?? this.ds;
    const scope: Scope = { orgId: org.id, orgPath: org.path, subtree };
    const manualYear = tpl.annual && period.year !== null ? period.year : null;
    // A transaction's manager is one connection: query it in turn (the freeze); otherwise at once.
    const accounts = await newMediaAccounts(db, scope, period);
    const accountDims = accounts.map((a) => `a:${a.id}`);
    const loaders = [
      () => this.ledger.countDims(scope, period, [...templateDims(tpl), ...accountDims], choice, em),
      () => siteFigures(db, def, scope, period),
      () => siteIdentity(db, def, org, period),
      () => (manualYear !== null ? this.loadManual(org.id, tpl.id, manualYear, em) : Promise.resolve(new Map<string, ManualEntryInfo>())),
    ] as const;
    const [{ counts, source }, figures, identity, manual] = em
      ? [await loaders[0](), await loaders[1](), await loaders[2](), await loaders[3]()]
      : await Promise.all([loaders[0](), loaders[1](), loaders[2](), loaders[3]()]);

    const values = new Map<string, number | null>();
    const texts = new Map<string, string>();
    const manualMissing: string[] = [];
    for (const { cell } of tpl.cellIndex.values()) {
      if (cell.metric) values.set(cell.id, metricValue(parseMetric(cell.metric)!, counts));
      else if (cell.manual) {
        const m = manual.get(cell.id);
        values.set(cell.id, m ? m.value : null);
        if (!m) manualMissing.push(cell.id);
      }
    }
    for (const [id, figure] of def.siteCells) {
      if (figure === 'hasNewMedia') {
        values.set(id, accounts.length ? 1 : 0);
        texts.set(id, accounts.length ? '是' : '否');
      } else values.set(id, figures[figure]);
    }
    for (const [id, field] of def.infoCells) texts.set(id, identity[field]);

    const accountRows = this.accountRows(def, accounts, counts, manual, values, manualMissing);
    computeSums(tpl, values);
    for (const id of def.infoCells.keys()) values.set(id, null);

    const cellValue = (c: CellDef): CellValue => {
      const m = manual.get(c.id);
      const text = texts.get(c.id);
      if (def.infoCells.has(c.id)) return { id: c.id, value: null, text, source: 'info', valueType: 'integer', column: c.column, drillable: false };
      const out: CellValue = {
        id: c.id,
        value: values.get(c.id) ?? null,
        source: c.metric || def.siteCells.has(c.id) ? 'computed' : c.manual ? 'manual' : 'sum',
        valueType: c.manual === 'decimal' ? 'decimal' : 'integer',
        unit: c.unit,
        column: c.column,
        drillable: !!c.metric || ITEM_FIGURES.has(def.siteCells.get(c.id)!),
      };
      if (text !== undefined) out.text = text;
      else if (def.yesNoCells.has(c.id) && (out.value === 0 || out.value === 1)) out.text = out.value ? '是' : '否';
      if (c.metric) out.metric = c.metric;
      if (c.manual) {
        out.enteredBy = m ? (m.enteredByName ?? m.enteredBy) : null;
        out.enteredAt = m ? m.enteredAt : null;
      }
      return out;
    };
    const tables: TableDoc[] = tpl.tables.map((t) => ({
      id: t.id,
      title: t.title,
      note: t.note,
      sections: t.sections.map((s) => ({
        title: s.title,
        labelHeader: s.labelHeader,
        unitColumn: s.unitColumn,
        columns: s.columns.map((c) => ({ label: c.label, groups: c.groups })),
        rows:
          s === def.accounts.section
            ? accountRows.length
              ? accountRows
              : [{ label: def.accounts.emptyLabel, indent: 0, heading: true, cells: [] }]
            : s.rows.map((r): RowDoc => ({ label: r.label, unit: r.unit, indent: r.indent, heading: r.heading, cells: r.cells.map(cellValue) })),
      })),
    }));
    if (figures.topics.length) {
      const topicTable = tables.find((t) => t.sections.some((s) => s.rows.some((r) => r.cells.some((c) => def.siteCells.get(c.id) === 'topicsMaintained'))));
      if (topicTable) {
        const names = figures.topics.map((x) => `${x.name}（${x.items}条）`).join('、');
        topicTable.note = [topicTable.note, `本年度更新的专栏专题：${names}`].filter(Boolean).join('；');
      }
    }
    const allValues: Record<string, number | null> = {};
    for (const id of tpl.cellIndex.keys()) allValues[id] = values.get(id) ?? null;
    for (const a of accounts) {
      for (const col of ['items', 'followers'] as const)
        allValues[accountCellId(def.accounts.tableId, a.id, col)] = values.get(accountCellId(def.accounts.tableId, a.id, col)) ?? null;
    }
    return {
      template: { id: tpl.id, title: tpl.title, subtitle: tpl.subtitle, layout: tpl.layout },
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree,
      period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year },
      source: 'live',
      countSource: source,
      generatedAt: new Date().toISOString(),
      tables,
      values: allValues,
      checks: [...evaluateChecks(tpl, values), ...yesNoChecks(tpl, def, values)],
      manualMissing,
      signoff: null,
      frozen: null,
    };
  }

  /** One row per account: 名称 | 类型 | 信息发布量 | 关注量 (the last entered by hand). */
  private accountRows(
    def: WebsiteDef,
    accounts: NewMediaAccount[],
    counts: Map<string, number>,
    manual: Map<string, ManualEntryInfo>,
    values: Map<string, number | null>,
    manualMissing: string[],
  ): RowDoc[] {
    const { tableId, columnLabels } = def.accounts;
    return accounts.map((a) => {
      const itemsId = accountCellId(tableId, a.id, 'items');
      const followersId = accountCellId(tableId, a.id, 'followers');
      const items = metricValue(parseMetric(`ledger.account.${a.id}`)!, counts);
      const f = manual.get(followersId);
      values.set(itemsId, items);
      values.set(followersId, f ? f.value : null);
      if (!f) manualMissing.push(followersId);
      return {
        label: a.name,
        indent: 0,
        heading: false,
        cells: [
          {
            id: accountCellId(tableId, a.id, 'type'),
            value: null,
            text: this.catalogue.channelLabel(a.channelType),
            source: 'info',
            valueType: 'integer',
            column: columnLabels.type,
            drillable: false,
          },
          {
            id: itemsId,
            value: items,
            source: 'computed',
            metric: `ledger.account.${a.id}`,
            valueType: 'integer',
            unit: '条',
            column: columnLabels.items,
            drillable: true,
          },
          {
            id: followersId,
            value: f ? f.value : null,
            source: 'manual',
            valueType: 'integer',
            unit: '个',
            column: columnLabels.followers,
            drillable: false,
            enteredBy: f ? (f.enteredByName ?? f.enteredBy) : null,
            enteredAt: f ? f.enteredAt : null,
          },
        ],
      };
    });
  }
}

/** 是/否 cells hold 1 or 0; anything else fails (an `error`: such a report cannot be frozen). */
function yesNoChecks(tpl: ReportTemplate, def: WebsiteDef, values: Map<string, number | null>): CheckResult[] {
  const out: CheckResult[] = [];
  for (const id of def.yesNoCells) {
    const v = values.get(id);
    if (v === null || v === undefined) continue;
    const ok = v === 0 || v === 1;
    const label = tpl.cellIndex.get(id)!.row.label;
    out.push({
      id: `${id}.yes-no`,
      label: `${label}：填1（是）或0（否）`,
      severity: 'error',
      ok,
      op: '<=',
      lhs: v,
      rhs: 1,
      detail: ok ? (v ? '是' : '否') : `${v} 不是1或0`,
    });
  }
  return out;
}
