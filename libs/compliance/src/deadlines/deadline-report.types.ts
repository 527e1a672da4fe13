// What a deadline scan reports: the alerts of each kind and the report around them (the API's deadline
// report, the alert history of deadline-alerts.service.ts). Declarations only; the scan is
// deadline-scan.service.ts and deadline-staleness.ts.

export interface OrgRef {
  id: string;
  name: string;
  code: string;
}

export type AlertKind = 'interpretation' | 'disclosure' | 'stale-account' | 'stale-column';

interface AlertBase {
  kind: AlertKind;
  /** Stable id of what the alert is about (policy item, item, account, account|column). */
  key: string;
  organisation: OrgRef;
  message: string;
  /** When the worker's scan first saw it (null: not seen by a scan yet). Filled in by the API. */
  firstSeenAt?: string | null;
}

export interface InterpretationAlert extends AlertBase {
  kind: 'interpretation';
  policyItemId: string;
  policyTitle: string;
  policyKind: string;
  policyPublishedAt: string;
  interpretationItemIds: string[];
  interpretationPublishedAt: string | null;
  dueDate: string;
  status: 'overdue' | 'late' | 'due';
  workingDaysLate: number;
  /** For status 'due': working days from today to the due date (0 = due today). */
  workingDaysLeft?: number;
}

export interface DisclosureAlert extends AlertBase {
  kind: 'disclosure';
  itemId: string;
  title: string;
  itemStatus: string;
  writtenDate: string;
  publishedAt: string | null;
  dueDate: string;
  status: 'overdue' | 'late';
  workingDaysLate: number;
}

export interface StaleAccountAlert extends AlertBase {
  kind: 'stale-account';
  accountId: string;
  accountName: string;
  channelType: string;
  channelLabel: string;
  lastPublishedDate: string | null;
  /** Calendar days without a publication (null: never published and no start date). */
  idleDays: number | null;
  maxIdleDays: number;
}

export interface StaleColumnAlert extends AlertBase {
  kind: 'stale-column';
  accountId: string;
  accountName: string;
  column: string;
  periodDays: number;
  configured: boolean;
  lastPublishedDate: string | null;
  idleDays: number | null;
}

export type DeadlineAlert = InterpretationAlert | DisclosureAlert | StaleAccountAlert | StaleColumnAlert;

export interface DeadlineReport {
  asOf: string;
  generatedAt: string;
  organisation: OrgRef | null;
  subtree: boolean;
  calendar: { years: number[]; missingYears: number[] };
  interpretations: InterpretationAlert[];
  interpretationsDue: InterpretationAlert[];
  disclosures: DisclosureAlert[];
  staleAccounts: StaleAccountAlert[];
  staleColumns: StaleColumnAlert[];
  counts: { interpretations: number; interpretationsDue: number; disclosures: number; staleAccounts: number; staleColumns: number; total: number };
}

export interface ScanOptions {
  /** Beijing date the report is for; publications after it are not yet counted. Default: today. */
  today?: string;
  /** How far back policies (by first publication) and items (by 成文日期) are judged. Default 365 days. */
  sinceDays?: number;
}
