/** Shapes of libs/stats (report-doc.ts, ledger-query.service.ts) that the console reads. */
export interface CellValue {
  id: string;
  value: number | null;
  text?: string;
  source: 'computed' | 'manual' | 'sum' | 'info';
  valueType: 'integer' | 'decimal';
  unit?: string;
  column?: string;
  enteredBy?: string | null;
  enteredAt?: string | null;
  drillable: boolean;
}
export interface RowDoc {
  label: string;
  unit?: string;
  indent: number;
  heading: boolean;
  cells: CellValue[];
}
export interface SectionDoc {
  title?: string;
  labelHeader: string;
  unitColumn: boolean;
  columns: { label: string; groups: string[] }[];
  rows: RowDoc[];
}
export interface TableDoc {
  id: string;
  title?: string;
  note?: string;
  sections: SectionDoc[];
}
export interface CheckResult {
  id: string;
  label: string;
  severity: 'error' | 'warn';
  ok: boolean;
  detail: string;
}
export interface Signoff {
  unitHead: string;
  reviewer: string;
  preparer: string;
  phone: string;
  filledDate: string;
}
export interface ReportDoc {
  template: { id: string; title: string; subtitle?: string; layout: 'A' | 'B' | 'C' };
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  period: { from: string; to: string; grain: string; label: string; year: number | null };
  source: 'live' | 'frozen';
  countSource: string;
  generatedAt: string;
  tables: TableDoc[];
  values: Record<string, number | null>;
  checks: CheckResult[];
  manualMissing: string[];
  signoff: Signoff | null;
  frozen: null | { id: string; frozenAt: string; frozenBy: string; watermark: string };
  bulletin?: {
    referenceDate: string;
    accounts: { accountId: string; name: string; channelType: string; organisationName: string; items: number; lastPublishedAt: string | null; daysSinceLast: number | null; staleLimitDays: number; stale: boolean }[];
    staleAccounts: number;
  };
}
export interface TemplateInfo {
  id: string;
  title: string;
  subtitle?: string;
  layout: 'A' | 'B' | 'C';
  annual: boolean;
  description?: string;
}
export interface DrillItem {
  itemId: string;
  title: string;
  indexNo: string;
  kind: string;
  category: string;
  organisationName: string;
  channels: string[];
  publications: { recordId: string; channelType: string; accountName: string | null; publishedAtBeijing: string; externalUrl: string | null; manual: boolean; withdrawnAt: string | null; afterFreeze?: boolean }[];
  links: string[];
  afterFreeze?: boolean;
}
export interface ChannelCounts {
  total: number;
  byChannelType: { channelType: string; label: string; items: number }[];
  byAccount: { accountId: string; name: string | null; channelType: string | null; items: number }[];
  byKind: { kind: string; label: string; items: number }[];
  checks: { id: string; label: string; ok: boolean; detail: string }[];
}
export interface Scope {
  org: string;
  subtree: boolean;
  /** Period query: year, year+quarter, year+month, or from+to. */
  period: Record<string, string>;
}
export function scopeQuery(s: Scope): Record<string, string> {
  return { org: s.org, subtree: String(s.subtree), ...s.period };
}
