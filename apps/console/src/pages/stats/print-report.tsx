import type { ReactNode } from 'react';
import { inBrackets, ReportDoc } from './stats-types';
import './stats-print.css';

const GAP = '\u3000\u3000';

/** 2019-02-25 → 2019年2月25日, as the official table writes its dates. */
function cnDate(d: string | undefined | null): string {
  const m = d ? /^(\d{4})-(\d{2})-(\d{2})/.exec(d) : null;
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '';
}

/** The Beijing calendar day of an instant: frozen at 00:30 on the 26th (Beijing) is the 26th, not the UTC 25th. */
function beijingDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Wide tables (more than six columns, as the XLSX decides) go on landscape A4. */
function wide(doc: ReportDoc): boolean {
  return doc.tables.some((t) => t.sections.some((s) => 1 + (s.unitColumn ? 1 : 0) + s.columns.length > 6));
}

/**
 * The official table as printed (打印, stats-print.css): on paper only this shows — the heading block of
 * the form (title, period, 填报单位), the table, and the sign-off lines — on A4. On screen the heading
 * block and sign-off lines are hidden (the page has its own heading and sign-off form).
 */
export function PrintReport({ doc, children }: { doc: ReportDoc; children: ReactNode }) {
  const s = doc.signoff;
  return (
    <div className={`print-report${wide(doc) ? ' print-wide' : ''}`} data-testid="print-report">
      <div className="print-only print-head" data-testid="print-head">
        <p className="print-title">{doc.template.title}</p>
        {doc.template.subtitle ? <p>{inBrackets(doc.template.subtitle)}</p> : null}
        <p>（{doc.period.label}）</p>
        <p className="print-org">
          填报单位（盖章）：{doc.organisation.name}
          {doc.subtree ? '（含下级单位）' : ''}
        </p>
      </div>
      {children}
      <div className="print-only print-signoff" data-testid="print-signoff">
        <p>
          单位负责人：{s?.unitHead ?? ''}
          {GAP}审核人：{s?.reviewer ?? ''}
          {GAP}填报人：{s?.preparer ?? ''}
        </p>
        <p>
          联系电话：{s?.phone ?? ''}
          {GAP}填报日期：{cnDate(s?.filledDate)}
        </p>
        {doc.frozen ? <p>本表已于{cnDate(beijingDay(doc.frozen.frozenAt))}封存，数据不再变动。</p> : null}
      </div>
    </div>
  );
}
