import { Fragment } from 'react';
import type { CellValue, ReportDoc, RowDoc, SectionDoc } from './stats-types';

interface Props {
  doc: ReportDoc;
  editing: boolean;
  drafts: Record<string, string>;
  onDraft(cell: string, v: string): void;
  onDrill(cell: CellValue, row: RowDoc): void;
}

/**
 * The official table on screen. Computed numbers are buttons that open the items behind them; manual
 * cells become inputs while editing (not once the report is frozen).
 */
export function ReportTable({ doc, editing, drafts, onDraft, onDrill }: Props) {
  return (
    <div className="report" data-testid="report-table">
      {doc.tables.map((t) => (
        <div key={t.id} className="report-table">
          {t.title ? <h3>{t.title}</h3> : null}
          {t.sections.map((s, si) => (
            <Section key={si} s={s} editing={editing && !doc.frozen} drafts={drafts} onDraft={onDraft} onDrill={onDrill} caption={s.title ?? t.title ?? doc.template.title} />
          ))}
          {t.note ? <p className="muted">{t.note}</p> : null}
        </div>
      ))}
    </div>
  );
}

function Section({ s, editing, drafts, onDraft, onDrill, caption }: { s: SectionDoc; editing: boolean; drafts: Record<string, string>; onDraft(c: string, v: string): void; onDrill(c: CellValue, r: RowDoc): void; caption: string }) {
  const grouped = s.columns.some((c) => c.groups?.length);
  const groupSpans: { label: string; span: number }[] = [];
  if (grouped) {
    for (const c of s.columns) {
      const g = c.groups?.[0] ?? '';
      const last = groupSpans[groupSpans.length - 1];
      if (last && last.label === g) last.span++;
      else groupSpans.push({ label: g, span: 1 });
    }
  }
  return (
    <table className="table report-grid">
      <caption>{caption}</caption>
      <thead>
        {grouped ? (
          <tr>
            <th scope="col" rowSpan={2}>
              {s.labelHeader}
            </th>
            {s.unitColumn ? (
              <th scope="col" rowSpan={2}>
                单位
              </th>
            ) : null}
            {groupSpans.map((g, i) => (
              <th key={i} scope="colgroup" colSpan={g.span}>
                {g.label}
              </th>
            ))}
          </tr>
        ) : null}
        <tr>
          {!grouped ? <th scope="col">{s.labelHeader}</th> : null}
          {!grouped && s.unitColumn ? <th scope="col">单位</th> : null}
          {s.columns.map((c, i) => (
            <th key={i} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
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

function Cell({ c, row, editing, draft, onDraft, onDrill }: { c: CellValue; row: RowDoc; editing: boolean; draft?: string; onDraft(c: string, v: string): void; onDrill(c: CellValue, r: RowDoc): void }) {
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
  if (c.value === null) return <span className="muted" title={c.source === 'manual' ? '尚未填报' : ''}>—</span>;
  if (c.drillable) {
    return (
      <button type="button" className="cell-link" onClick={() => onDrill(c, row)} aria-label={`${row.label}${c.column ? ` ${c.column}` : ''}：${c.value}，查看明细`} data-drill={c.id}>
        {c.value}
      </button>
    );
  }
  return <span title={c.source === 'manual' && c.enteredBy ? `由 ${c.enteredBy} 填报` : undefined}>{c.value}</span>;
}
