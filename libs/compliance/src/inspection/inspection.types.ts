// What the inspection computation takes and gives (computeInspection in compute-inspection.ts). Pure
// declarations without imports: the API, the console and the monthly 自查 report read them.

/** A column's update rule (inspection-rules.ts): 首页, 动态/要闻 (2 weeks), 通知公告/政策文件 (6 months), other. */
export type ColumnRule = 'home' | 'news' | 'notice' | 'other';

export interface UpdatePeriod {
  days?: number;
  months?: number;
}

/** A reminder step: on day `day` of the two-week rule (the same distance before the breach for longer rules), tell `to`. */
export interface ReminderStep {
  day: number;
  to: 'staff' | 'lead';
}

export const DEFAULT_REMINDER_STEPS: ReminderStep[] = [
  { day: 10, to: 'staff' },
  { day: 12, to: 'staff' },
  { day: 14, to: 'lead' },
];

interface TargetBase {
  /** Stable id: account id, or `accountId|column`. */
  key: string;
  organisationId: string;
  accountId: string;
  accountName: string;
  /** Last confirmed publication (instant or Beijing date), null when never. */
  lastPublished: string | Date | null;
  /** Publications scheduled and not yet made (instants or dates); they push the breach out. */
  scheduled: (string | Date)[];
  /** When the watch starts (account or column opened); used when nothing was ever published. */
  since: string | Date | null;
}

export interface ColumnInput extends TargetBase {
  column: string;
  /** Default: classifyColumn(column). */
  rule?: ColumnRule;
  /** A period the organisation configured for the column (days), for 'other' columns ("应更新" columns). */
  periodDays?: number | null;
  /** The column is part of the configured site structure (a blank configured column is a 空白栏目). */
  configured?: boolean;
}

export interface AccountInput extends TargetBase {
  channelType: string;
  channelLabel?: string;
  /** Default 14 (政务新媒体 two weeks). */
  maxIdleDays?: number;
}

export interface PolicyInput {
  itemId: string;
  organisationId: string;
  title: string;
  kind: string;
  /** First confirmed publication of the policy. */
  publishedAt: string | Date;
  interpretations: {
    itemId: string;
    title: string;
    /** Confirmed publication exists (not withdrawn). */
    published: boolean;
    /** Both pages are live on one portal, where the policy lists it and it links the policy. */
    linkedBothWays: boolean;
  }[];
}

export interface BackdatingInput {
  itemId: string;
  organisationId: string;
  title: string;
  publishDate: string;
  firstPublishedAt: string | Date;
}

export interface InspectionInput {
  /** Beijing date of the monitoring point. */
  today: string;
  columns: ColumnInput[];
  accounts: AccountInput[];
  policies: PolicyInput[];
  backdated: BackdatingInput[];
  reminderSteps?: ReminderStep[];
  thresholds?: Partial<{ staleRuledColumns: number; staleColumns: number; blankColumns: number }>;
  /** For workingDaysLeft and moving reminders off holidays; without it, Monday–Friday. */
  calendar?: { isWorkingDay(d: string): boolean };
}

export type TargetStatus = 'ok' | 'stale' | 'blank';

export interface ReminderDue {
  step: number;
  day: number;
  to: 'staff' | 'lead';
  /** The day the step is sent (its nominal date, moved back to the previous working day). */
  sendOn: string;
}

export interface TargetResult {
  kind: 'column' | 'account';
  key: string;
  organisationId: string;
  accountId: string;
  accountName: string;
  /** Column name, or the account's name. */
  name: string;
  rule: ColumnRule | 'new-media';
  ruleLabel: string;
  period: UpdatePeriod | null;
  status: TargetStatus;
  lastPublishedDate: string | null;
  /** The date the forecast is counted from: the last publication, or the last scheduled one that keeps the chain alive. */
  anchorDate: string | null;
  /** First day in breach given what is scheduled (null: no rule or blank). */
  breachDate: string | null;
  /** First day in breach if nothing scheduled happens. */
  breachDateUnscheduled: string | null;
  /** Calendar days from today to breachDate (≤ 0: in breach). */
  daysLeft: number | null;
  /** Working days from today (inclusive) to the breach (exclusive): days the office can still publish. */
  workingDaysLeft: number | null;
  scheduledCount: number;
  message: string;
  /** "政务动态栏目将于 12月20日 超期" (null when no rule). */
  forecast: string | null;
  /** The reminder step due today (the highest reached), if any. */
  reminder: ReminderDue | null;
  /** Every step with its send date for the current anchor. */
  steps: ReminderDue[];
}

export interface Veto {
  code: 'home-stale' | 'ruled-columns-stale' | 'columns-stale' | 'blank-columns' | 'new-media-stale' | 'backdated';
  organisationId: string;
  accountId?: string;
  message: string;
  keys: string[];
}

export interface InterpretationCoverage {
  policies: number;
  covered: number;
  /** covered / policies (1 when there are none). */
  ratio: number;
  missing: { itemId: string; organisationId: string; title: string }[];
  /** Policy–interpretation pairs that are not linked both ways on a portal. */
  unlinked: { policyItemId: string; policyTitle: string; interpretationItemId: string; interpretationTitle: string }[];
}

export interface InspectionResult {
  asOf: string;
  verdict: 'pass' | 'fail';
  vetoes: Veto[];
  columns: TargetResult[];
  accounts: TargetResult[];
  interpretation: InterpretationCoverage;
  backdated: (BackdatingInput & { firstPublishedDate: string; message: string })[];
  counts: { columns: number; staleColumns: number; blankColumns: number; accounts: number; staleAccounts: number; backdated: number; vetoes: number };
}
