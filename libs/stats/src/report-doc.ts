import type { CountSource } from './ledger-query.service';
import type { Grain } from './period';

/** One cell of a rendered report. `info` cells carry text (bulletin: channel, owner, status). */
export interface CellValue {
  id: string;
  value: number | null;
  text?: string;
  source: 'computed' | 'manual' | 'sum' | 'info';
  metric?: string;
  valueType: 'integer' | 'decimal';
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
  template: { id: string; title: string; subtitle?: string; layout: 'A' | 'B' | 'C' };
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
