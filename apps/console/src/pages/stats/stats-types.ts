/**
 * Shapes of the stats API, declared once in libs/stats (pure, type-only modules: nothing of the
 * server is bundled), and the console's own scope → query-string helper.
 */
export type {
  CellDrill,
  CellValue,
  CheckResult,
  FrozenView,
  FreezeHistoryEntry,
  FreezesView,
  ReopenedView,
  ReopenResult,
  ManualCopyView as ManualCopy,
  ReportDoc,
  RowDoc,
  SectionDoc,
  Signoff,
  TableDoc,
  TemplateInfo,
} from '../../../../../libs/stats/src/report-doc.types';
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

/** Text in one pair of full-width brackets, whether or not it came with them (a template's subtitle does). */
export function inBrackets(text: string): string {
  return `（${text.trim().replace(/^（(.*)）$/, '$1')}）`;
}

/** A template's full name: its title, and its subtitle in one pair of brackets. */
export function templateName(t: { title: string; subtitle?: string }): string {
  return t.subtitle?.trim() ? `${t.title}${inBrackets(t.subtitle)}` : t.title;
}
