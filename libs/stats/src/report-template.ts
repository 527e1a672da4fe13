import { metricDims, parseMetric } from './metrics';
import type { TemplateInfo } from './report-doc.types';

/**
 * Report templates are data (config/reports/*.yaml). A template is tables of sections of rows; each
 * row has cells, and each cell binds to exactly one of: a computed metric (see metrics.ts), a manual
 * entry (integer count ≥ 0 or decimal amount ≥ 0), or a sum of other cells. Checks compare sums of
 * cells; `error` checks block a freeze, `warn` checks are shown.
 *
 * YAML shorthands, expanded by normaliseTemplate():
 * - a row with `metric` / `manual` / `sum` and no `cells` has one cell whose id is the row id;
 * - a section with `columns` carrying `key`s and rows carrying `key`s generates one cell per column,
 *   id "<table>.<row key>.<column key>", typed by the row's `manual`; a column with `sumOfColumns`
 *   or a row with `sumOfRows` makes its cells sums;
 * - a check with `perColumn: <section ref>` is repeated for every column, its lhs/rhs being row keys.
 */
export type ManualType = 'integer' | 'decimal' | 'signedInteger';

export interface CellDef {
  id: string;
  metric?: string;
  manual?: ManualType;
  sum?: string[];
  unit?: string;
  /** Column header the cell sits under (for CSV labels). */
  column?: string;
}

export interface RowDef {
  key?: string;
  label: string;
  unit?: string;
  indent: number;
  heading: boolean;
  cells: CellDef[];
}

export interface ColumnDef {
  key?: string;
  label: string;
  /** Header groups above the label, outermost first ("行政诉讼/未经复议直接起诉"). */
  groups: string[];
}

export interface SectionDef {
  title?: string;
  /** Header of the label column ("统计指标", "信息内容"). */
  labelHeader: string;
  /** Whether a 单位 column follows the label. */
  unitColumn: boolean;
  columns: ColumnDef[];
  rows: RowDef[];
}

export interface TableDef {
  id: string;
  title?: string;
  note?: string;
  sections: SectionDef[];
}

export interface CheckDef {
  id: string;
  label: string;
  severity: 'error' | 'warn';
  lhs: string[];
  op: '=' | '<=' | '>=';
  rhs: string[];
}

export interface BulletinColumn {
  key: string;
  label: string;
  metric: string;
}

export interface BulletinDef {
  orgColumns: BulletinColumn[];
  /** Days without publication after which an account is flagged, per channel type. */
  staleDays: Record<string, number>;
}

export interface ReportTemplate extends TemplateInfo {
  tables: TableDef[];
  checks: CheckDef[];
  bulletin?: BulletinDef;
  /** Every cell by id (derived). */
  cellIndex: Map<string, { cell: CellDef; row: RowDef; section: SectionDef; table: TableDef }>;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export class TemplateError extends Error {}

function fail(tid: string, msg: string): never {
  throw new TemplateError(`template ${tid}: ${msg}`);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Expands shorthands and validates a raw (parsed YAML/JSON) template. Throws TemplateError. */
export function normaliseTemplate(raw: any): ReportTemplate {
  const tid = str(raw?.id) ?? '?';
  if (!raw || typeof raw !== 'object') fail(tid, 'not an object');
  if (!ID_RE.test(tid)) fail(tid, 'bad id');
  const layout = raw.layout;
  if (!['A', 'B', 'C'].includes(layout)) fail(tid, `layout must be A, B or C`);
  if (!str(raw.title)) fail(tid, 'title missing');
  const tpl: ReportTemplate = {
    id: tid,
    title: raw.title,
    subtitle: str(raw.subtitle),
    layout,
    description: str(raw.description),
    annual: raw.annual !== false && layout !== 'C',
    tables: [],
    checks: [],
    cellIndex: new Map(),
  };
  const perColumnRefs = new Map<string, { table: string; section: SectionDef }>();
  for (const [ti, rt] of (Array.isArray(raw.tables) ? raw.tables : []).entries()) {
    const tableId = str(rt.id) ?? `t${ti + 1}`;
    const table: TableDef = { id: tableId, title: str(rt.title), note: str(rt.note), sections: [] };
    for (const [si, rs] of (Array.isArray(rt.sections) ? rt.sections : []).entries()) {
      const columns: ColumnDef[] = (Array.isArray(rs.columns) ? rs.columns : []).map((c: any) =>
        typeof c === 'string'
          ? { label: c, groups: [] }
          : { key: str(c.key), label: str(c.label) ?? fail(tid, 'column label missing'), groups: str(c.group)?.split('/') ?? [] },
      );
      const section: SectionDef = {
        title: str(rs.title),
        labelHeader: str(rs.labelHeader) ?? '统计指标',
        unitColumn: rs.unitColumn === true,
        columns,
        rows: [],
      };
      if (str(rs.ref)) perColumnRefs.set(str(rs.ref)!, { table: tableId, section });
      const keyed = columns.length > 0 && columns.every((c) => c.key);
      const rawCols: any[] = Array.isArray(rs.columns) ? rs.columns : [];
      for (const rr of Array.isArray(rs.rows) ? rs.rows : []) {
        const row: RowDef = {
          key: str(rr.key),
          label: str(rr.label) ?? fail(tid, 'row label missing'),
          unit: str(rr.unit),
          indent: Number(rr.indent ?? 0),
          heading: rr.heading === true,
          cells: [],
        };
        if (Array.isArray(rr.cells)) {
          row.cells = rr.cells.map((c: any, ci: number) => ({
            id: str(c.id) ?? fail(tid, `cell id missing in row ${row.label}`),
            metric: str(c.metric),
            manual: c.manual,
            sum: c.sum,
            unit: str(c.unit) ?? row.unit,
            column: columns[ci]?.label,
          }));
        } else if (!row.heading && keyed && row.key) {
          row.cells = columns.map((col, ci) => {
            const id = `${tableId}.${row.key}.${col.key}`;
            const colSum: string[] | undefined = rawCols[ci].sumOfColumns;
            const rowSum: string[] | undefined = rr.sumOfRows;
            const cell: CellDef = { id, unit: row.unit, column: col.label };
            if (colSum) cell.sum = colSum.map((k) => `${tableId}.${row.key}.${k}`);
            else if (rowSum) cell.sum = rowSum.map((k) => `${tableId}.${k}.${col.key}`);
            else if (rr.metrics?.[col.key!]) cell.metric = rr.metrics[col.key!];
            else cell.manual = rr.manual ?? rawCols[ci].manual ?? 'integer';
            return cell;
          });
        } else if (!row.heading && (rr.metric || rr.manual || rr.sum)) {
          row.cells = [{ id: str(rr.id) ?? fail(tid, `row id missing: ${row.label}`), metric: str(rr.metric), manual: rr.manual, sum: rr.sum, unit: row.unit }];
        }
        section.rows.push(row);
      }
      if (!section.rows.length) fail(tid, `table ${tableId} section ${si + 1} has no rows`);
      table.sections.push(section);
    }
    tpl.tables.push(table);
  }

  for (const table of tpl.tables)
    for (const section of table.sections)
      for (const row of section.rows)
        for (const cell of row.cells) {
          if (!ID_RE.test(cell.id)) fail(tid, `bad cell id ${cell.id}`);
          if (tpl.cellIndex.has(cell.id)) fail(tid, `duplicate cell id ${cell.id}`);
          const bindings = [cell.metric, cell.manual, cell.sum].filter((b) => b !== undefined).length;
          if (bindings !== 1) fail(tid, `cell ${cell.id} must bind to exactly one of metric, manual, sum`);
          if (cell.metric !== undefined && !parseMetric(cell.metric)) fail(tid, `cell ${cell.id}: unknown metric ${cell.metric}`);
          if (cell.manual !== undefined && !['integer', 'decimal', 'signedInteger'].includes(cell.manual))
            fail(tid, `cell ${cell.id}: manual must be integer, decimal or signedInteger`);
          tpl.cellIndex.set(cell.id, { cell, row, section, table });
        }
  for (const { cell } of tpl.cellIndex.values())
    for (const ref of cell.sum ?? []) if (!tpl.cellIndex.has(ref)) fail(tid, `cell ${cell.id} sums unknown cell ${ref}`);
  // A sum must not depend on itself.
  const state = new Map<string, number>();
  const visit = (id: string) => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) fail(tid, `cycle through cell ${id}`);
    state.set(id, 1);
    for (const ref of tpl.cellIndex.get(id)!.cell.sum ?? []) visit(ref);
    state.set(id, 2);
  };
  for (const id of tpl.cellIndex.keys()) visit(id);

  for (const rc of Array.isArray(raw.checks) ? raw.checks : []) {
    const op = rc.op ?? '=';
    if (!['=', '<=', '>='].includes(op)) fail(tid, `check ${rc.id}: bad op`);
    const severity = rc.severity ?? 'error';
    if (!['error', 'warn'].includes(severity)) fail(tid, `check ${rc.id}: bad severity`);
    const lhs: string[] = Array.isArray(rc.lhs) ? rc.lhs : [rc.lhs];
    const rhs: string[] = Array.isArray(rc.rhs) ? rc.rhs : [rc.rhs];
    if (rc.perColumn) {
      const ref = perColumnRefs.get(rc.perColumn) ?? fail(tid, `check ${rc.id}: unknown section ${rc.perColumn}`);
      for (const col of ref.section.columns) {
        const map = (k: string) => `${ref.table}.${k}.${col.key}`;
        tpl.checks.push({ id: `${rc.id}.${col.key}`, label: `${rc.label}（${col.label}）`, severity, op, lhs: lhs.map(map), rhs: rhs.map(map) });
      }
    } else {
      tpl.checks.push({ id: rc.id, label: rc.label, severity, op, lhs, rhs });
    }
  }
  for (const c of tpl.checks) for (const ref of [...c.lhs, ...c.rhs]) if (!tpl.cellIndex.has(ref)) fail(tid, `check ${c.id} refers to unknown cell ${ref}`);

  if (layout === 'C') {
    const b = raw.bulletin;
    if (!b || !Array.isArray(b.orgColumns) || !b.orgColumns.length) fail(tid, 'bulletin.orgColumns missing');
    const orgColumns: BulletinColumn[] = b.orgColumns.map((c: any) => {
      const key = str(c.key) ?? fail(tid, 'bulletin column key missing');
      if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) fail(tid, `bulletin column key ${key}`);
      const metric = str(c.metric) ?? fail(tid, `bulletin column ${key}: metric missing`);
      const def = parseMetric(metric);
      if (!def || def.type === 'docs') fail(tid, `bulletin column ${key}: ledger metric required`);
      return { key, label: str(c.label) ?? key, metric };
    });
    const staleDays: Record<string, number> = { default: 30, ...(b.staleDays ?? {}) };
    tpl.bulletin = { orgColumns, staleDays };
  } else if (!tpl.cellIndex.size) {
    fail(tid, 'no cells');
  }
  return tpl;
}

/** Dimensions every ledger cell of the template needs (one rollup query serves them all). */
export function templateDims(tpl: ReportTemplate): string[] {
  const dims = new Set<string>();
  for (const { cell } of tpl.cellIndex.values()) {
    if (!cell.metric) continue;
    const def = parseMetric(cell.metric)!;
    for (const d of metricDims(def)) dims.add(d);
  }
  return [...dims];
}
