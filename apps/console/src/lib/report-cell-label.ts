/**
 * A report's field paths in words: the manual entries of the statistics page are refused by cell
 * (`entries.t2.license.decisions`); the report itself knows each cell's table, row and column.
 */
interface ReportShape {
  tables: { title?: string; sections: { columns: { label: string }[]; rows: { label: string; cells: { id: string }[] }[] }[] }[];
}

export function reportFieldLabel(doc: ReportShape | undefined, field: string): string | undefined {
  const m = /^entries\.(.+)$/.exec(field);
  if (!m) return field === 'entries' ? '手工填报数据' : undefined;
  for (const t of doc?.tables ?? []) {
    for (const s of t.sections) {
      for (const r of s.rows) {
        const i = r.cells.findIndex((c) => c.id === m[1]);
        if (i < 0) continue;
        const col = s.columns.length > 1 ? s.columns[i]?.label : undefined;
        return [t.title, r.label, col].filter(Boolean).join(' · ');
      }
    }
  }
  return '报表中的一项';
}
