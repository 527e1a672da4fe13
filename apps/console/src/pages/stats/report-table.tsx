import { Fragment } from 'react';
import { headerLayout } from '../../../../../libs/stats/src/header-layout';
import type { CellValue, ReportDoc, RowDoc, SectionDoc } from './stats-types';

interface Props {
  doc: ReportDoc;
  editing: boolean;
  drafts: Record<string, string>;
  onDraft(cell: string, v: string): void;
  onDrill(cell: CellValue, row: RowDoc): void;
  /** Id of the heading that names a table without a title of its own (the report's). */
  labelledBy: string;
}

/**
 * The official table on screen. Computed numbers are buttons that open the items behind them; manual
 * cells become inputs while editing (not once the report is frozen).
 */
export function ReportTable({ doc, editing, drafts, onDraft, onDrill, labelledBy }: Props) {
  return (
    <div className="report" data-testid="report-table">
      {doc.tables.map((t) => (
        <div key={t.id} className="report-table">
          {t.title ? <h3 id={`h-table-${t.id}`}>{t.title}</h3> : null}
          {t.sections.map((s, si) => (
            // A section with its own title carries it as its caption; an untitled one is named by the
            // heading above it (the table's, else the report's): the same words are never printed twice.
            <Section
              key={si}
              s={s}
              editing={editing && !doc.frozen}
              drafts={drafts}
              onDraft={onDraft}
              onDrill={onDrill}
              labelledBy={t.title ? `h-table-${t.id}` : labelledBy}
            />
          ))}
          {t.note ? <p className="muted">{t.note}</p> : null}
        </div>
      ))}
    </div>
  );
}

function Section({
  s,
  editing,
  drafts,
  onDraft,
  onDrill,
  labelledBy,
}: {
  s: SectionDoc;
  editing: boolean;
  drafts: Record<string, string>;
  onDraft(c: string, v: string): void;
  onDrill(c: CellValue, r: RowDoc): void;
  labelledBy: string;
}) {
  // The same header grid as the XLSX (libs/stats/src/header-layout.ts): groups such as 申请人情况 /
  // 法人或其他组织 stacked above the columns they cover.
  const { depth, cells } = headerLayout(s.columns);
  return (
    <table className="table report-grid" aria-labelledby={s.title ? undefined : labelledBy}>
      {s.title ? <caption>{s.title}</caption> : null}
      <thead>
        {Array.from({ length: depth }, (_, level) => (
          <tr key={level}>
            {level === 0 ? (
              <th scope="col" rowSpan={depth}>
                {s.labelHeader}
              </th>
            ) : null}
            {level === 0 && s.unitColumn ? (
              <th scope="col" rowSpan={depth}>
                单位
              </th>
            ) : null}
            {cells
              .filter((h) => h.row === level)
              .map((h) => (
                <th
                  key={h.col}
                  scope={h.group ? 'colgroup' : 'col'}
                  colSpan={h.colSpan > 1 ? h.colSpan : undefined}
                  rowSpan={h.rowSpan > 1 ? h.rowSpan : undefined}
                >
                  {h.text}
                </th>
              ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {s.rows.map((r, ri) => (
          <tr key={ri} className={r.heading ? 'row-heading' : ''}>
            <th scope="row" style={{ paddingLeft: `${0.5 + r.indent * 0.8}em` }}>
              {r.label}
            </th>
            {s.unitColumn ? <td>{r.unit ?? ''}</td> : null}
            {r.heading && !r.cells.length ? s.columns.map((_, i) => <td key={i} />) : null}
            {r.cells.map((c) => (
              <td key={c.id} className={`num cell-${c.source}`} data-cell={c.id}>
                <Cell c={c} row={r} editing={editing} draft={drafts[c.id]} onDraft={onDraft} onDrill={onDrill} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Cell({
  c,
  row,
  editing,
  draft,
  onDraft,
  onDrill,
}: {
  c: CellValue;
  row: RowDoc;
  editing: boolean;
  draft?: string;
  onDraft(c: string, v: string): void;
  onDrill(c: CellValue, r: RowDoc): void;
}) {
  if (c.source === 'info') return <Fragment>{c.text ?? ''}</Fragment>;
  if (c.source === 'manual' && editing) {
    return (
      <input
        className="num-input"
        inputMode={c.valueType === 'integer' ? 'numeric' : 'decimal'}
        aria-label={`${row.label}${c.column ? ` ${c.column}` : ''}（手工填报）`}
        value={draft ?? (c.value === null ? '' : String(c.value))}
        onChange={(e) => onDraft(c.id, e.target.value)}
        data-cell-input={c.id}
      />
    );
  }
  if (c.value === null)
    return (
      <span className="muted" title={c.source === 'manual' ? '尚未填报' : ''}>
        —
      </span>
    );
  if (c.drillable) {
    return (
      <button
        type="button"
        className="cell-link"
        onClick={() => onDrill(c, row)}
        aria-label={`${row.label}${c.column ? ` ${c.column}` : ''}：${c.value}，查看明细`}
        data-drill={c.id}
      >
        {c.value}
      </button>
    );
  }
  return <span title={c.source === 'manual' && c.enteredBy ? `由 ${c.enteredBy} 填报` : undefined}>{c.value}</span>;
}
