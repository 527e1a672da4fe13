import { TemplateError, normaliseTemplate, type CellDef, type ReportTemplate, type RowDef, type SectionDef, type TableDef } from '../report-template';

/**
 * The 政府网站工作年度报表 (config/reports/website-annual.yaml) is a layout A template with a `website`
 * block. Three things the plain template engine cannot say are expressed here, before and after
 * normaliseTemplate():
 *
 * - `site: <figure>` cells: computed from the portal's ledger rows and its columns (website-queries.ts);
 * - `info: <field>` cells: text about the site (name, address, 主办单位 …), never entered as numbers;
 * - `repeat: accounts` sections: one row per 政务新媒体 account, with repeated cell ids
 *   `<table>.<account id>.<column>` (name and platform as text, items published from the ledger,
 *   followers entered by hand). Those ids resolve through the template's cell index like any other,
 *   so manual entry, freeze and drill-down take them without knowing about accounts.
 *
 * Both `site` and `info` cells are stored as sums of nothing (`sum: []`): the engine then refuses
 * manual entries for them ("由系统计算") and never lists them as missing; their values are set by the
 * website report before sums and checks are evaluated. `yesNo: true` on a manual row means 1 = 是,
 * 0 = 否 (any other value fails an error check, so such a report cannot be frozen).
 */

/** The figures a `site:` cell can name (website-queries.ts computes them). */
export const SITE_FIGURES = ['overview', 'news', 'catalogue', 'topicsMaintained', 'topicsNew', 'interpretations', 'responses', 'hasNewMedia'] as const;
export type SiteFigure = (typeof SITE_FIGURES)[number];
/** The site figures that count items (they drill down to them); the others count columns or accounts. */
export const ITEM_FIGURES: ReadonlySet<SiteFigure> = new Set<SiteFigure>(['overview', 'news', 'catalogue', 'interpretations', 'responses']);

/** The text fields an `info:` cell can name. */
export const INFO_FIELDS = ['siteName', 'homeUrl', 'sponsor', 'siteType', 'idCode', 'icp', 'police'] as const;
export type InfoField = (typeof INFO_FIELDS)[number];

/** The columns of a repeated per-account row, in order. */
export const ACCOUNT_COLUMNS = ['type', 'items', 'followers'] as const;
export type AccountColumn = (typeof ACCOUNT_COLUMNS)[number];

export interface WebsiteDef {
  /** The report row whose publications are the website's (a key of config/reports/_rows.yaml). */
  siteRow: string;
  /** Column (主题分类) names counted as 概况类 and 政务动态; every other column is 信息公开目录. */
  overviewColumns: string[];
  newsColumns: string[];
  /** A column whose name contains one of these is a 专栏专题. */
  topicMarkers: string[];
  /** Account settings keys read for each identity field (set by the administrator on the site's account). */
  identitySettings: Partial<Record<InfoField, string>>;
  siteCells: Map<string, SiteFigure>;
  infoCells: Map<string, InfoField>;
  yesNoCells: Set<string>;
  /** The repeated section (one row per new-media account). */
  accounts: { tableId: string; table: TableDef; section: SectionDef; columnLabels: Record<AccountColumn, string>; emptyLabel: string };
}

const defs = new WeakMap<ReportTemplate, WebsiteDef>();

/** The website block of a template, or undefined for every other template. */
export function websiteDefOf(tpl: ReportTemplate): WebsiteDef | undefined {
  return defs.get(tpl);
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_RE = /^[a-z][a-z0-9_-]{0,39}$/;

/** The id of one repeated cell. */
export function accountCellId(tableId: string, accountId: string, col: AccountColumn): string {
  return `${tableId}.${accountId}.${col}`;
}

type IndexEntry = ReportTemplate['cellIndex'] extends Map<string, infer V> ? V : never;

/**
 * The template's cell index, plus the repeated per-account cells: `get`/`has` resolve
 * `<table>.<uuid>.<column>` (iteration lists the fixed cells only; the report adds the rows it finds).
 */
class AccountCellIndex extends Map<string, IndexEntry> {
  private pattern: RegExp | null = null;
  private site: WebsiteDef | null = null;

  attach(site: WebsiteDef): void {
    this.site = site;
    this.pattern = new RegExp(`^${site.accounts.tableId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(${UUID})\\.(${ACCOUNT_COLUMNS.join('|')})$`);
  }

  override get(id: string): IndexEntry | undefined {
    const fixed = super.get(id);
    if (fixed || !this.pattern || !this.site) return fixed;
    const m = this.pattern.exec(id);
    if (!m) return undefined;
    const a = this.site.accounts;
    const col = m[2] as AccountColumn;
    const cell: CellDef =
      col === 'items'
        ? { id, metric: `ledger.account.${m[1]}`, unit: '条', column: a.columnLabels.items }
        : col === 'followers'
          ? { id, manual: 'integer', unit: '个', column: a.columnLabels.followers }
          : { id, sum: [], column: a.columnLabels.type };
    const row: RowDef = { label: '政务新媒体账号', indent: 0, heading: false, cells: [cell] };
    return { cell, row, section: a.section, table: a.table };
  }

  override has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

function fail(tid: string, msg: string): never {
  throw new TemplateError(`template ${tid}: ${msg}`);
}

const strings = (tid: string, v: unknown, what: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 100)) fail(tid, `website.${what} must be a list of names`);
  return v as string[];
};

/**
 * Validates and expands a template with a `website` block: rewrites its `site`/`info` cells and its
 * repeated section for normaliseTemplate(), then attaches the website definition to the result.
 */
export function normaliseWebsiteTemplate(raw: any): ReportTemplate {
  const tid = typeof raw?.id === 'string' ? raw.id : '?';
  const w = raw.website;
  if (!w || typeof w !== 'object') fail(tid, 'website block missing');
  if (typeof w.siteRow !== 'string' || !KEY_RE.test(w.siteRow)) fail(tid, 'website.siteRow must be a report row key');
  const identitySettings: WebsiteDef['identitySettings'] = {};
  for (const [k, v] of Object.entries(w.identitySettings ?? {})) {
    if (!(INFO_FIELDS as readonly string[]).includes(k) || typeof v !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(v))
      fail(tid, `website.identitySettings.${k}`);
    identitySettings[k as InfoField] = v;
  }
  const siteCells = new Map<string, SiteFigure>();
  const infoCells = new Map<string, InfoField>();
  const yesNoCells = new Set<string>();
  let repeat: { tableId: string; sectionIndex: number; columns: string[]; emptyLabel: string } | null = null;

  const tables = (Array.isArray(raw.tables) ? raw.tables : []).map((rt: any, ti: number) => ({
    ...rt,
    sections: (Array.isArray(rt.sections) ? rt.sections : []).map((rs: any, si: number) => {
      if (rs.repeat !== undefined) {
        if (rs.repeat !== 'accounts') fail(tid, `unknown repeat ${rs.repeat}`);
        if (repeat) fail(tid, 'only one repeated section');
        const columns: string[] = Array.isArray(rs.columns) ? rs.columns : [];
        if (columns.length !== ACCOUNT_COLUMNS.length || !columns.every((c) => typeof c === 'string')) {
          fail(tid, `the repeated section needs ${ACCOUNT_COLUMNS.length} column labels (${ACCOUNT_COLUMNS.join(', ')})`);
        }
        const tableId = typeof rt.id === 'string' ? rt.id : `t${ti + 1}`;
        repeat = { tableId, sectionIndex: si, columns, emptyLabel: typeof rs.emptyLabel === 'string' ? rs.emptyLabel : '（无）' };
        const { repeat: _r, emptyLabel: _e, ...rest } = rs;
        return { ...rest, rows: [{ label: repeat.emptyLabel, heading: true }] };
      }
      return {
        ...rs,
        rows: (Array.isArray(rs.rows) ? rs.rows : []).map((rr: any) => {
          if (rr.site !== undefined || rr.info !== undefined) {
            if (rr.metric !== undefined || rr.manual !== undefined || rr.sum !== undefined || rr.cells !== undefined)
              fail(tid, `row ${rr.label}: site/info cells bind to nothing else`);
            if (typeof rr.id !== 'string') fail(tid, `row id missing: ${rr.label}`);
            if (rr.site !== undefined) {
              if (!(SITE_FIGURES as readonly string[]).includes(rr.site)) fail(tid, `row ${rr.id}: unknown site figure ${rr.site}`);
              siteCells.set(rr.id, rr.site);
            } else {
              if (!(INFO_FIELDS as readonly string[]).includes(rr.info)) fail(tid, `row ${rr.id}: unknown info field ${rr.info}`);
              infoCells.set(rr.id, rr.info);
            }
            const { site: _s, info: _i, ...rest } = rr;
            return { ...rest, sum: [] };
          }
          if (rr.yesNo === true) {
            if (rr.manual !== 'integer' || typeof rr.id !== 'string') fail(tid, `row ${rr.label}: yesNo needs manual: integer and an id`);
            yesNoCells.add(rr.id);
          }
          const { yesNo: _y, ...rest } = rr;
          return rest;
        }),
      };
    }),
  }));
  if (!repeat) fail(tid, 'website templates need one section with repeat: accounts');
  const { website: _w, ...plain } = raw;
  const tpl = normaliseTemplate({ ...plain, tables });
  const r = repeat as { tableId: string; sectionIndex: number; columns: string[]; emptyLabel: string };
  const table = tpl.tables.find((t) => t.id === r.tableId)!;
  const section = table.sections[r.sectionIndex];
  section.columns = r.columns.map((label) => ({ label, groups: [] }));
  const def: WebsiteDef = {
    siteRow: w.siteRow,
    overviewColumns: strings(tid, w.overviewColumns, 'overviewColumns'),
    newsColumns: strings(tid, w.newsColumns, 'newsColumns'),
    topicMarkers: strings(tid, w.topicMarkers, 'topicMarkers'),
    identitySettings,
    siteCells,
    infoCells,
    yesNoCells,
    accounts: {
      tableId: r.tableId,
      table,
      section,
      columnLabels: { type: r.columns[0], items: r.columns[1], followers: r.columns[2] },
      emptyLabel: r.emptyLabel,
    },
  };
  const overlap = def.overviewColumns.filter((c) => def.newsColumns.includes(c));
  if (overlap.length) fail(tid, `column ${overlap[0]} is both 概况类 and 政务动态`);
  const index = new AccountCellIndex(tpl.cellIndex);
  index.attach(def);
  const out: ReportTemplate = { ...tpl, cellIndex: index };
  defs.set(out, def);
  return out;
}
