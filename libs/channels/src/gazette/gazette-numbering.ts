import type { GazetteFrequency } from './gazette-reads.types';

/** 年 / 期 / 总期 of one issue. */
export interface IssueNumber {
  year: number;
  issueNo: number;
  totalNo: number;
}

/** "2026年第3期（总第123期）" — the way gazettes print their numbering. */
export function issueLabel(n: IssueNumber): string {
  return `${n.year}年第${n.issueNo}期（总第${n.totalNo}期）`;
}

/** File name of an issue page: 2026-03.html (sorts by number within a year). */
export function issueSlug(n: Pick<IssueNumber, 'year' | 'issueNo'>): string {
  return `${n.year}-${String(n.issueNo).padStart(2, '0')}`;
}

/** Beijing calendar parts of an instant (UTC+8 all year). */
export function beijingParts(d: Date): { year: number; month: number; day: number } {
  const b = new Date(d.getTime() + 8 * 3600_000);
  return { year: b.getUTCFullYear(), month: b.getUTCMonth() + 1, day: b.getUTCDate() };
}

/**
 * The number of the next issue. The issue of the year restarts at 1 in a new (Beijing) year; the
 * running total never restarts. Without any published issue the configured start applies: a gazette
 * that printed 122 issues before this system starts at 总第123期 and, in the start year, at its 期.
 */
export function nextIssueNumber(lastPublished: IssueNumber | null, start: { year: number | null; issueNo: number; totalNo: number }, now: Date): IssueNumber {
  const year = beijingParts(now).year;
  if (lastPublished) {
    if (lastPublished.year >= year) return { year: lastPublished.year, issueNo: lastPublished.issueNo + 1, totalNo: lastPublished.totalNo + 1 };
    return { year, issueNo: 1, totalNo: lastPublished.totalNo + 1 };
  }
  if (start.year === null || start.year === year) return { year, issueNo: start.issueNo, totalNo: start.totalNo };
  if (start.year > year) return { year: start.year, issueNo: start.issueNo, totalNo: start.totalNo };
  return { year, issueNo: 1, totalNo: start.totalNo };
}

/**
 * The publication period an instant falls in, for the schedule (one compile per period):
 * monthly "2026-03", semi-monthly "2026-03a" (1st–15th) / "2026-03b", bimonthly "2026-b2"
 * (March–April). `manual` gazettes have no schedule.
 */
export function periodKey(frequency: GazetteFrequency, now: Date): string | null {
  const { year, month, day } = beijingParts(now);
  const mm = String(month).padStart(2, '0');
  switch (frequency) {
    case 'monthly':
      return `${year}-${mm}`;
    case 'semi-monthly':
      return `${year}-${mm}${day <= 15 ? 'a' : 'b'}`;
    case 'bimonthly':
      return `${year}-b${Math.floor((month - 1) / 2) + 1}`;
    default:
      return null;
  }
}
