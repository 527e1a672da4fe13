/**
 * Shapes of the stats API, declared once in libs/stats (pure, type-only modules: nothing of the
 * server is bundled), and the console's own scope → query-string helper.
 */
export type { CellDrill, CellValue, CheckResult, FrozenView, ReportDoc, RowDoc, SectionDoc, Signoff, TableDoc, TemplateInfo } from '../../../../../libs/stats/src/report-doc.types';
/** GET stats/channel-counts answers the counts with the scope they were counted for. */
export type { ChannelCountsView as ChannelCounts } from '../../../../../libs/stats/src/ledger-query.types';

/** What the stats page has selected; its query parameters differ from the server's resolved Scope. */
export interface Scope {
  org: string;
  subtree: boolean;
  /** Period query: year, year+quarter, year+month, or from+to. */
  period: Record<string, string>;
}
export function scopeQuery(s: Scope): Record<string, string> {
  return { org: s.org, subtree: String(s.subtree), ...s.period };
}
