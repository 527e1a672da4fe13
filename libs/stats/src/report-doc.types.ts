import type { AddedRecord, CountSource, DrillItem, SinceFreeze } from './ledger-query.types';
import type { Grain } from './period.types';

// A rendered report and what the report endpoints of the stats API send. Pure TypeScript (type
// imports of pure modules only): the console (apps/console) imports these shapes too.

export type Layout = 'A' | 'B' | 'C';

/** GET stats/templates: what a report template is, without its tables. */
export interface TemplateInfo {
  id: string;
  title: string;
  subtitle?: string;
  layout: Layout;
  description?: string;
  /** Whether the report is annual (manual entries and freeze are per year). */
  annual: boolean;
}

/** One cell of a rendered report. `info` cells carry text (bulletin: channel, owner, status). */
export interface CellValue {
  id: string;
  value: number | null;
  text?: string;
  source: 'computed' | 'manual' | 'sum' | 'info';
  metric?: string;
  valueType: 'integer' | 'decimal';
  /** A manual `signedInteger` cell (本年增/减): printed with its sign. Absent in reports frozen before it existed. */
  signed?: boolean;
  unit?: string;
  column?: string;
  /** Manual entries: who entered the value and when. */
  enteredBy?: string | null;
  enteredAt?: string | null;
  /** Whether GET …/cells/:cell/items lists the items behind it. */
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
  op: '=' | '<=' | '>=';
  lhs: number;
  rhs: number;
  /** e.g. "12 + 3 = 15", shown beside the table. */
  detail: string;
}

/** 单位负责人 / 审核人 / 填报人 / 联系电话 / 填报日期 */
export interface Signoff {
  unitHead: string;
  reviewer: string;
  preparer: string;
  phone: string;
  filledDate: string;
}

export interface BulletinAccount {
  accountId: string;
  name: string;
  channelType: string;
  organisationId: string;
  organisationName: string;
  items: number;
  lastPublishedAt: string | null;
  daysSinceLast: number | null;
  staleLimitDays: number;
  stale: boolean;
}

export interface ReportDoc {
  template: Pick<TemplateInfo, 'id' | 'title' | 'subtitle' | 'layout'>;
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  period: { from: string; to: string; grain: Grain; label: string; year: number | null };
  /** live: computed now; frozen: the numbers stored at sign-off. */
  source: 'live' | 'frozen';
  countSource: CountSource;
  generatedAt: string;
  tables: TableDoc[];
  /** Every numeric cell by id. */
  values: Record<string, number | null>;
  checks: CheckResult[];
  /** Manual cells with no entry yet (counted as 0 in checks and sums). */
  manualMissing: string[];
  signoff: Signoff | null;
  frozen: null | { id: string; frozenAt: string; frozenBy: string; watermark: string };
  bulletin?: { referenceDate: string; accounts: BulletinAccount[]; staleAccounts: number };
}

/** GET stats/reports/:template/cells/:cell/items: the items behind one cell. */
export interface CellDrill {
  cell: { id: string; label: string; metric: string | null; value: number | null };
  report: { template: string; organisationId: string; subtree: boolean; period: ReportDoc['period'] };
  /**
   * A frozen report: `items` and `total` are its frozen members (total = the frozen number; a member no
   * longer in the cell is marked `leftSinceFreeze`), `sinceFreeze` lists the items that joined since.
   */
  frozen: boolean;
  total: number;
  limit: number;
  offset: number;
  items: DrillItem[];
  sinceFreeze?: SinceFreeze | null;
}

/** GET stats/reports/:template/frozen: the frozen report and what changed in the ledger since. */
export interface FrozenView {
  report: ReportDoc;
  changesSinceFreeze: {
    watermark: string;
    changedCells: number;
    /** Document cells also say how many items joined and left since the freeze (changed when any did). */
    cells: { cellId: string; label: string; frozen: number | null; current: number | null; changed: boolean; joined?: number; left?: number }[];
    addedRecords: AddedRecord[];
    addedItems: { itemId: string; title: string; indexNo: string; records: number }[];
  };
  /** Earlier freezes of this variant, reopened (退回重填), newest first (report-reopen.service.ts). */
  history: FreezeHistoryEntry[];
}

/** An earlier freeze of a report variant, retired by a reopen: kept, never deleted. */
export interface FreezeHistoryEntry {
  id: string;
  frozenAt: string;
  frozenBy: string;
  frozenByName: string | null;
  signoff: Signoff;
  reopenedAt: string;
  reopenedBy: string;
  reopenedByName: string | null;
  reason: string;
  /** The figures of that freeze, by cell. */
  values: Record<string, number | null>;
}

/** GET …/frozen of a variant reopened and not frozen again: no current freeze, only its history. */
export interface ReopenedView {
  report: null;
  changesSinceFreeze: null;
  subtree: boolean;
  history: FreezeHistoryEntry[];
}

/** GET …/freezes: a variant's current freeze (null when live) and its earlier, reopened ones; never 404 for a known report. */
export interface FreezesView {
  subtree: boolean;
  current: { id: string; frozenAt: string; frozenBy: string; frozenByName: string | null; signoff: Signoff } | null;
  history: FreezeHistoryEntry[];
}

/** POST …/reopen: the freeze just retired, the live report, whether the other variant still locks the manual entries. */
export interface ReopenResult {
  reopened: FreezeHistoryEntry;
  report: ReportDoc;
  otherVariantFrozen: boolean;
}

/** What 复制上年手工填报数 did (manual-copy.ts): the cells filled from the year before, those kept as they were. */
export interface ManualCopyResult {
  fromYear: number;
  /** Cells that were empty this year and now hold last year's value. */
  copied: string[];
  /** Cells last year had that already hold a value this year (never overwritten). */
  kept: string[];
}

/** POST stats/reports/:template/manual/copy-previous-year: what was copied and the report after it. */
export interface ManualCopyView extends ManualCopyResult {
  report: ReportDoc;
}
