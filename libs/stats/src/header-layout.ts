// Pure TypeScript, no imports: the console (apps/console) lays the on-screen table out with it too, so
// the screen, the print layout and the XLSX show the same header.

/** One header cell of a section's value columns; `row` and `col` count from the first value column's top. */
export interface HeaderCell {
  text: string;
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  /** A group above several columns (申请人情况, 法人或其他组织), not a column's own label. */
  group: boolean;
}

/**
 * The header grid above a section's value columns, as in the official table: a column's groups
 * ("申请人情况/法人或其他组织", outermost first) stacked above its label, runs of columns sharing a group
 * merged across, and a label reaching down to the last header row. `depth` is the number of header rows.
 */
export function headerLayout(columns: readonly { label: string; groups: readonly string[] }[]): { depth: number; cells: HeaderCell[] } {
  const paths = columns.map((c) => [...c.groups, c.label]);
  const depth = Math.max(1, ...paths.map((p) => p.length));
  const cells: HeaderCell[] = [];
  for (let level = 0; level < depth; level++) {
    let c = 0;
    while (c < paths.length) {
      const path = paths[c];
      if (level >= path.length) {
        c++;
        continue;
      }
      const isLabel = level === path.length - 1;
      let end = c;
      if (!isLabel) {
        const prefix = path.slice(0, level + 1).join('/');
        while (end + 1 < paths.length && paths[end + 1].length - 1 > level && paths[end + 1].slice(0, level + 1).join('/') === prefix) end++;
      }
      cells.push({ text: path[level], row: level, col: c, rowSpan: isLabel ? depth - level : 1, colSpan: end - c + 1, group: !isLabel });
      c = end + 1;
    }
  }
  return { depth, cells };
}
