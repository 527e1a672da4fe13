import { DateLike, shanghaiDate, toDayNumber } from './calendar-date';
import { WorkingCalendar } from './working-calendar';

/**
 * Deadline rules of 政务公开 as pure functions: rows in (the lead's SQL), overdue lists out (the
 * lead's cron turns them into reminders). Dates are Asia/Shanghai calendar dates; instants are
 * converted. "today" is passed in, never read from the clock, so the rules are testable and a
 * re-run for a past day gives that day's answer.
 */

export type DeadlineStatus = 'overdue' | 'late';

export interface DeadlineResult<R> {
  row: R;
  /** Last allowed date. */
  dueDate: string;
  /** 'overdue': not done and past due; 'late': done, but after the due date. */
  status: DeadlineStatus;
  /** Working days past due (up to today for overdue, up to the publication date for late). */
  workingDaysLate: number;
  /** What the reminder says (Simplified Chinese). */
  message: string;
}

function judge<R>(row: R, start: DateLike, done: DateLike | null | undefined, days: number, cal: WorkingCalendar, today: DateLike) {
  const dueDate = cal.addWorkingDays(start, days);
  if (done) {
    const doneDate = shanghaiDate(done);
    if (doneDate <= dueDate) return null;
    return { row, dueDate, status: 'late' as const, workingDaysLate: cal.workingDaysBetween(dueDate, doneDate), doneDate };
  }
  const t = shanghaiDate(today);
  if (t <= dueDate) return null;
  return { row, dueDate, status: 'overdue' as const, workingDaysLate: cal.workingDaysBetween(dueDate, t), doneDate: null };
}

// ---- 政策解读: published within 3 working days of its policy ----

export interface InterpretationRow {
  policyItemId: string;
  policyTitle?: string;
  /** When the policy document was published. */
  policyPublishedAt: DateLike;
  /** Earliest publication of an interpretation linked to it, if any. */
  interpretationPublishedAt?: DateLike | null;
}

/**
 * 政策解读 must be published with its policy, at the latest within `workingDays` (default 3)
 * working days after the policy's publication date.
 */
export function overdueInterpretations(
  rows: readonly InterpretationRow[],
  cal: WorkingCalendar,
  today: DateLike,
  opts: { workingDays?: number } = {},
): DeadlineResult<InterpretationRow>[] {
  const days = opts.workingDays ?? 3;
  const out: DeadlineResult<InterpretationRow>[] = [];
  for (const row of rows) {
    const r = judge(row, row.policyPublishedAt, row.interpretationPublishedAt, days, cal, today);
    if (!r) continue;
    const title = row.policyTitle ? `《${row.policyTitle}》` : `政策文件（${row.policyItemId}）`;
    const message =
      r.status === 'overdue'
        ? `${title}已于${shanghaiDate(row.policyPublishedAt)}发布，其政策解读应在${r.dueDate}前发布，目前仍未发布，已超期${r.workingDaysLate}个工作日。`
        : `${title}的政策解读于${r.doneDate}发布，晚于应发布日期${r.dueDate}，超期${r.workingDaysLate}个工作日。`;
    out.push({ row, dueDate: r.dueDate, status: r.status, workingDaysLate: r.workingDaysLate, message });
  }
  return out.sort((a, b) => b.workingDaysLate - a.workingDaysLate);
}

// ---- 主动公开: within 20 working days of 成文日期 ----

export interface DisclosureRow {
  itemId: string;
  title?: string;
  /** 成文日期; rows without one cannot be judged and are skipped. */
  writtenDate: DateLike | null;
  /** First publication, if any. */
  publishedAt?: DateLike | null;
  /** 公开属性; only '主动公开' rows are judged when given. */
  disclosureAttr?: string;
}

/**
 * 《政府信息公开条例》第二十六条: information to be disclosed proactively is published within 20
 * working days of its formation (成文日期).
 */
export function overdueDisclosures(
  rows: readonly DisclosureRow[],
  cal: WorkingCalendar,
  today: DateLike,
  opts: { workingDays?: number } = {},
): DeadlineResult<DisclosureRow>[] {
  const days = opts.workingDays ?? 20;
  const out: DeadlineResult<DisclosureRow>[] = [];
  for (const row of rows) {
    if (!row.writtenDate) continue;
    if (row.disclosureAttr !== undefined && row.disclosureAttr !== '主动公开') continue;
    const r = judge(row, row.writtenDate, row.publishedAt, days, cal, today);
    if (!r) continue;
    const title = row.title ? `《${row.title}》` : `信息（${row.itemId}）`;
    const message =
      r.status === 'overdue'
        ? `${title}成文日期为${shanghaiDate(row.writtenDate)}，应在${r.dueDate}前主动公开，目前仍未公开，已超期${r.workingDaysLate}个工作日。`
        : `${title}于${r.doneDate}公开，晚于应公开日期${r.dueDate}（成文后${days}个工作日），超期${r.workingDaysLate}个工作日。`;
    out.push({ row, dueDate: r.dueDate, status: r.status, workingDaysLate: r.workingDaysLate, message });
  }
  return out.sort((a, b) => b.workingDaysLate - a.workingDaysLate);
}

// ---- channel staleness (calendar days) ----

export interface StaleResult<R> {
  row: R;
  /** Shanghai date of the last publication, null if never. */
  lastPublishedDate: string | null;
  /** Calendar days from the last publication (or from `since`) to today. */
  idleDays: number;
  message: string;
}

export interface NewMediaAccountRow {
  accountId: string;
  name?: string;
  channelType?: string;
  lastPublishedAt: DateLike | null;
  /** Start of the watch (account opened or added); used when it never published. */
  since?: DateLike | null;
}

export interface PortalColumnRow {
  columnId: string;
  name?: string;
  /** The column's configured update period in calendar days. */
  periodDays: number;
  lastPublishedAt: DateLike | null;
  since?: DateLike | null;
}

function idle(last: DateLike | null, since: DateLike | null | undefined, today: DateLike) {
  const t = toDayNumber(today);
  const from = last ? toDayNumber(last) : since ? toDayNumber(since) : null;
  return { lastPublishedDate: last ? shanghaiDate(last) : null, idleDays: from === null ? Number.POSITIVE_INFINITY : t - from };
}

/**
 * A stale channel has gone more than `maxIdleDays` whole days without a publication: last published
 * on day D, it is stale from day D + maxIdleDays + 1 (days D+1 … D+maxIdleDays all passed empty).
 * New-media accounts: 14 days (政务新媒体 “两周无更新”).
 */
export function staleNewMediaAccounts(
  rows: readonly NewMediaAccountRow[],
  today: DateLike,
  opts: { maxIdleDays?: number } = {},
): StaleResult<NewMediaAccountRow>[] {
  const max = opts.maxIdleDays ?? 14;
  const out: StaleResult<NewMediaAccountRow>[] = [];
  for (const row of rows) {
    const { lastPublishedDate, idleDays } = idle(row.lastPublishedAt, row.since, today);
    if (idleDays <= max) continue;
    const who = row.name ? `政务新媒体账号“${row.name}”` : `政务新媒体账号（${row.accountId}）`;
    const message = lastPublishedDate
      ? `${who}自${lastPublishedDate}以来已${idleDays}天未发布信息，超过${max}天更新要求。`
      : Number.isFinite(idleDays)
        ? `${who}自${shanghaiDate(row.since!)}开通以来${idleDays}天未发布任何信息，超过${max}天更新要求。`
        : `${who}尚未发布任何信息。`;
    out.push({ row, lastPublishedDate, idleDays, message });
  }
  return out.sort((a, b) => b.idleDays - a.idleDays);
}

/** Portal columns idle for longer than their own configured period. */
export function stalePortalColumns(rows: readonly PortalColumnRow[], today: DateLike): StaleResult<PortalColumnRow>[] {
  const out: StaleResult<PortalColumnRow>[] = [];
  for (const row of rows) {
    const { lastPublishedDate, idleDays } = idle(row.lastPublishedAt, row.since, today);
    if (idleDays <= row.periodDays) continue;
    const col = row.name ? `网站栏目“${row.name}”` : `网站栏目（${row.columnId}）`;
    const message = lastPublishedDate
      ? `${col}自${lastPublishedDate}以来已${idleDays}天未更新，超过该栏目${row.periodDays}天的更新周期。`
      : Number.isFinite(idleDays)
        ? `${col}自${shanghaiDate(row.since!)}开设以来${idleDays}天未发布任何信息，超过该栏目${row.periodDays}天的更新周期。`
        : `${col}尚未发布任何信息。`;
    out.push({ row, lastPublishedDate, idleDays, message });
  }
  return out.sort((a, b) => b.idleDays - a.idleDays);
}
