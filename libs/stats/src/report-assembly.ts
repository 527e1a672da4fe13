import type { CountSource } from './ledger-query.types';
import type { Period } from './period';
import type { CellValue, ReportDoc, RowDoc, SectionDoc, TableDoc } from './report-doc.types';
import { computeSums, evaluateChecks, ManualValue } from './report-logic';
import type { CellDef, ReportTemplate } from './report-template';

export interface ManualEntryInfo {
  value: number;
  raw: ManualValue;
  enteredBy: string;
  enteredByName: string | null;
  enteredAt: string;
}

function valueType(tpl: ReportTemplate, cell: CellDef): 'integer' | 'decimal' {
  if (cell.manual) return cell.manual === 'decimal' ? 'decimal' : 'integer';
  if (cell.sum) return cell.sum.some((ref) => valueType(tpl, tpl.cellIndex.get(ref)!.cell) === 'decimal') ? 'decimal' : 'integer';
  return 'integer';
}

/**
 * Lays a layout A/B report out from the values of its computed cells and its manual entries: fills
 * sums, evaluates checks, lists missing manual entries. Pure, so exports can be tested without a
 * database.
 */
export function assembleReport(
  tpl: ReportTemplate,
  org: { id: string; name: string; code: string },
  subtree: boolean,
  period: Period,
  computed: Map<string, number>,
  manual: Map<string, ManualEntryInfo>,
  countSource: CountSource,
): ReportDoc {
  const values = new Map<string, number | null>();
  const manualMissing: string[] = [];
  for (const { cell } of tpl.cellIndex.values()) {
    if (cell.metric) values.set(cell.id, computed.get(cell.id) ?? 0);
    else if (cell.manual) {
      const m = manual.get(cell.id);
      values.set(cell.id, m ? m.value : null);
      if (!m) manualMissing.push(cell.id);
    }
  }
  computeSums(tpl, values);
  const cellValue = (c: CellDef): CellValue => {
    const m = manual.get(c.id);
    const out: CellValue = {
      id: c.id,
      value: values.get(c.id) ?? null,
      source: c.metric ? 'computed' : c.manual ? 'manual' : 'sum',
      valueType: valueType(tpl, c),
      unit: c.unit,
      column: c.column,
      drillable: !!c.metric,
    };
    if (c.metric) out.metric = c.metric;
    if (c.manual === 'signedInteger') out.signed = true;
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
    sections: t.sections.map((s): SectionDoc => ({
      title: s.title,
      labelHeader: s.labelHeader,
      unitColumn: s.unitColumn,
      columns: s.columns.map((c) => ({ label: c.label, groups: c.groups })),
      rows: s.rows.map((r): RowDoc => ({ label: r.label, unit: r.unit, indent: r.indent, heading: r.heading, cells: r.cells.map(cellValue) })),
    })),
  }));
  return {
    template: { id: tpl.id, title: tpl.title, subtitle: tpl.subtitle, layout: tpl.layout },
    organisation: { id: org.id, name: org.name, code: org.code },
    subtree,
    period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year },
    source: 'live',
    countSource,
    generatedAt: new Date().toISOString(),
    tables,
    values: Object.fromEntries([...tpl.cellIndex.keys()].map((id) => [id, values.get(id) ?? null])),
    checks: evaluateChecks(tpl, values),
    manualMissing,
    signoff: null,
    frozen: null,
  };
}
