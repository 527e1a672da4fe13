import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { Grain } from './period.types';

/**
 * A reporting period: Asia/Shanghai calendar dates, both ends inclusive. `fromUtc`/`toUtcExclusive`
 * are the instants that bound it (Beijing is UTC+8 all year, no daylight saving since 1991), so a
 * publication at 2018-12-31T17:00Z falls on 2019-01-01.
 */
export interface Period {
  from: string;
  to: string;
  grain: Grain;
  /** First day of the calendar period when grain is Y, Q or M. */
  periodStart: string | null;
  /** The year when the period is exactly one calendar year (annual reports, manual entries). */
  year: number | null;
  fromUtc: Date;
  toUtcExclusive: Date;
  /** Chinese label, e.g. "2018年度", "2019年第2季度", "2019年3月", "2019年1月1日至2019年6月30日". */
  label: string;
}

export interface PeriodQuery {
  year?: string | number;
  quarter?: string | number;
  month?: string | number;
  from?: string;
  to?: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BEIJING_OFFSET_MS = 8 * 3600_000;
export const MAX_PERIOD_YEARS = 10;

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function parseIntStrict(v: string | number): number | null {
  const s = String(v).trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

/** Days since 1970-01-01 of a valid YYYY-MM-DD date, or null. */
export function parseDate(s: string): { y: number; m: number; d: number; epochDay: number } | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return { y, m: mo, d, epochDay: t / 86400_000 };
}

export function formatDate(epochDay: number): string {
  return new Date(epochDay * 86400_000).toISOString().slice(0, 10);
}

/** The instant Beijing midnight starts the given date. */
export function beijingMidnightUtc(date: string): Date {
  const p = parseDate(date);
  if (!p) throw new Error(`bad date ${date}`);
  return new Date(p.epochDay * 86400_000 - BEIJING_OFFSET_MS);
}

/** Beijing calendar date of an instant. */
export function beijingDateOf(d: Date): string {
  return new Date(d.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function cnDate(s: string): string {
  const p = parseDate(s)!;
  return `${p.y}年${p.m}月${p.d}日`;
}

/** Builds a period from inclusive Beijing dates (already validated), detecting a calendar grain. */
export function periodFromDates(from: string, to: string): Period {
  const f = parseDate(from)!;
  const t = parseDate(to)!;
  let grain: Grain = 'custom';
  let periodStart: string | null = null;
  let label = `${cnDate(from)}至${cnDate(to)}`;
  if (f.d === 1 && f.y === t.y) {
    if (f.m === 1 && t.m === 12 && t.d === 31) {
      grain = 'Y';
      label = `${f.y}年度`;
    } else if ((f.m - 1) % 3 === 0 && t.m === f.m + 2 && t.d === lastDayOfMonth(t.y, t.m)) {
      grain = 'Q';
      label = `${f.y}年第${(f.m - 1) / 3 + 1}季度`;
    } else if (t.m === f.m && t.d === lastDayOfMonth(t.y, t.m)) {
      grain = 'M';
      label = `${f.y}年${f.m}月`;
    }
    if (grain !== 'custom') periodStart = from;
  }
  return {
    from,
    to,
    grain,
    periodStart,
    year: grain === 'Y' ? f.y : null,
    fromUtc: beijingMidnightUtc(from),
    toUtcExclusive: new Date(beijingMidnightUtc(to).getTime() + 86400_000),
    label,
  };
}

/**
 * Parses year / quarter / month / from+to query parameters. Throws AppError (400) listing every
 * problem: both forms given, neither given, a malformed date, an end before the start, a span over
 * ten years.
 */
export function parsePeriod(q: PeriodQuery): Period {
  const problems: FieldProblem[] = [];
  const hasYear = !isBlank(q.year);
  const hasRange = !isBlank(q.from) || !isBlank(q.to);
  if (hasYear && hasRange) {
    throw AppError.validation([{ field: 'year', reason: '不能与 from/to 同时指定' }]);
  }
  if (!hasYear && !hasRange) {
    if (!isBlank(q.quarter) || !isBlank(q.month)) problems.push({ field: 'year', reason: '指定季度或月份时必须同时指定年份' });
    else problems.push({ field: 'year', reason: '请指定年份（year）或起止日期（from、to）' });
    throw AppError.validation(problems);
  }
  if (hasYear) {
    const y = parseIntStrict(q.year!);
    if (y === null || y < 1990 || y > 2999) throw AppError.validation([{ field: 'year', reason: '必须是 1990 至 2999 之间的年份' }]);
    if (!isBlank(q.quarter) && !isBlank(q.month)) {
      throw AppError.validation([{ field: 'quarter', reason: '季度与月份只能指定一个' }]);
    }
    if (!isBlank(q.quarter)) {
      const qn = parseIntStrict(q.quarter!);
      if (qn === null || qn < 1 || qn > 4) throw AppError.validation([{ field: 'quarter', reason: '必须是 1 至 4' }]);
      const m1 = (qn - 1) * 3 + 1;
      return periodFromDates(`${y}-${pad(m1)}-01`, `${y}-${pad(m1 + 2)}-${pad(lastDayOfMonth(y, m1 + 2))}`);
    }
    if (!isBlank(q.month)) {
      const mn = parseIntStrict(q.month!);
      if (mn === null || mn < 1 || mn > 12) throw AppError.validation([{ field: 'month', reason: '必须是 1 至 12' }]);
      return periodFromDates(`${y}-${pad(mn)}-01`, `${y}-${pad(mn)}-${pad(lastDayOfMonth(y, mn))}`);
    }
    return periodFromDates(`${y}-01-01`, `${y}-12-31`);
  }
  if (!isBlank(q.quarter) || !isBlank(q.month)) problems.push({ field: 'quarter', reason: '季度或月份只能与年份一起使用' });
  const from = isBlank(q.from) ? null : parseDate(String(q.from));
  const to = isBlank(q.to) ? null : parseDate(String(q.to));
  if (isBlank(q.from)) problems.push({ field: 'from', reason: '缺少开始日期' });
  else if (!from) problems.push({ field: 'from', reason: '日期格式应为 YYYY-MM-DD' });
  if (isBlank(q.to)) problems.push({ field: 'to', reason: '缺少结束日期' });
  else if (!to) problems.push({ field: 'to', reason: '日期格式应为 YYYY-MM-DD' });
  if (problems.length) throw AppError.validation(problems);
  if (to!.epochDay < from!.epochDay) {
    throw AppError.badRequest('PERIOD_END_BEFORE_START', '统计期间的结束日期早于开始日期', [{ field: 'to', reason: '早于开始日期' }]);
  }
  const limit = Date.UTC(from!.y + MAX_PERIOD_YEARS, from!.m - 1, from!.d) / 86400_000;
  if (to!.epochDay >= limit) {
    throw AppError.badRequest('PERIOD_TOO_LONG', `统计期间不能超过${MAX_PERIOD_YEARS}年`, [{ field: 'to', reason: `期间超过${MAX_PERIOD_YEARS}年` }]);
  }
  return periodFromDates(String(q.from), String(q.to));
}

/** The calendar year period of a year. */
export function yearPeriod(year: number): Period {
  return periodFromDates(`${year}-01-01`, `${year}-12-31`);
}
