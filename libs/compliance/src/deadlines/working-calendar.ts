import * as fs from 'fs';
import * as path from 'path';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { DateLike, fromDayNumber, toDayNumber, weekday, yearOf } from './calendar-date';

/**
 * Working days of the Chinese public administration: Monday to Friday, minus the public holidays,
 * plus the weekend days made working days (调休) — per year, from the State Council's notice on the
 * holiday arrangements (config/calendar/<year>.json). Those notices come out in October/November for
 * the next year; until a year's file exists its dates cannot be computed, so by default a date in a
 * missing year is an error (CALENDAR_YEAR_MISSING) rather than a silently wrong deadline.
 */
export interface CalendarYearDoc {
  year: number;
  source?: string;
  holidays: Array<{ name: string; from?: string; to?: string; dates?: string[] }>;
  workdays: Array<{ name: string; from?: string; to?: string; dates?: string[] }>;
}

export interface WorkingCalendarOptions {
  /** 'throw' (default): a date in a year without a file is an error. 'weekends': treat it as Monday–Friday. */
  missingYear?: 'throw' | 'weekends';
}

function expand(e: { from?: string; to?: string; dates?: string[] }): number[] {
  const days: number[] = [];
  for (const d of e.dates ?? []) days.push(toDayNumber(d));
  if (e.from) {
    const a = toDayNumber(e.from);
    const b = toDayNumber(e.to ?? e.from);
    for (let d = a; d <= b; d++) days.push(d);
  }
  return days;
}

export class WorkingCalendar {
  private readonly holidays = new Map<number, string>();
  private readonly workdays = new Map<number, string>();
  private readonly covered = new Set<number>();

  constructor(
    docs: readonly CalendarYearDoc[],
    private readonly options: WorkingCalendarOptions = {},
  ) {
    const problems: FieldProblem[] = [];
    for (const doc of docs) {
      this.covered.add(doc.year);
      for (const h of doc.holidays ?? []) {
        for (const d of expand(h)) {
          if (yearOf(d) !== doc.year) problems.push({ field: `${doc.year}.holidays.${h.name}`, reason: `${fromDayNumber(d)} is outside ${doc.year}` });
          this.holidays.set(d, h.name);
        }
      }
      for (const w of doc.workdays ?? []) {
        for (const d of expand(w)) {
          const wd = weekday(d);
          if (wd !== 0 && wd !== 6) problems.push({ field: `${doc.year}.workdays.${w.name}`, reason: `${fromDayNumber(d)} is not a weekend day` });
          if (this.holidays.has(d)) problems.push({ field: `${doc.year}.workdays.${w.name}`, reason: `${fromDayNumber(d)} is also a holiday` });
          this.workdays.set(d, w.name);
        }
      }
    }
    if (problems.length) throw AppError.unprocessable('CALENDAR_INVALID', '工作日历配置有误，请核对节假日和调休日期', problems);
  }

  /** Reads every <year>.json in `dir` (config/calendar). */
  static fromDirectory(dir: string, options: WorkingCalendarOptions = {}): WorkingCalendar {
    const docs = fs
      .readdirSync(dir)
      .filter((f) => /^\d{4}\.json$/.test(f))
      .sort()
      .map((f) => {
        const doc = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CalendarYearDoc;
        if (String(doc.year) !== f.slice(0, 4)) {
          throw AppError.unprocessable('CALENDAR_INVALID', `工作日历文件 ${f} 的年份与文件名不符`, [{ field: f, reason: 'year mismatch' }]);
        }
        return doc;
      });
    return new WorkingCalendar(docs, options);
  }

  get years(): number[] {
    return [...this.covered].sort();
  }

  hasYear(year: number): boolean {
    return this.covered.has(year);
  }

  private isWorkingDayNumber(d: number): boolean {
    if (!this.covered.has(yearOf(d)) && this.options.missingYear !== 'weekends') {
      const y = yearOf(d);
      throw AppError.unprocessable('CALENDAR_YEAR_MISSING', `工作日历缺少${y}年的节假日安排，请按国务院办公厅当年通知补充 config/calendar/${y}.json`, [
        { field: 'year', reason: String(y) },
      ]);
    }
    if (this.workdays.has(d)) return true;
    if (this.holidays.has(d)) return false;
    const wd = weekday(d);
    return wd !== 0 && wd !== 6;
  }

  isWorkingDay(date: DateLike): boolean {
    return this.isWorkingDayNumber(toDayNumber(date));
  }

  /** Holiday or 调休 name of a date, if any. */
  describe(date: DateLike): string | undefined {
    const d = toDayNumber(date);
    return this.holidays.get(d) ?? this.workdays.get(d);
  }

  /**
   * The n-th working day after `date` (the date itself does not count, whatever it is): a policy
   * published on Friday 2024-09-27 with n = 3 gives Tuesday 2024-10-08 (9/29 is a 调休 Sunday,
   * 9/30 Monday, then the National Day holiday). n = 0 returns the date; negative n counts back.
   */
  addWorkingDays(date: DateLike, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError('n must be an integer');
    let d = toDayNumber(date);
    const step = n >= 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      d += step;
      if (this.isWorkingDayNumber(d)) left--;
    }
    return fromDayNumber(d);
  }

  /**
   * Working days d with a < d ≤ b (negative when b is before a), so that
   * workingDaysBetween(a, addWorkingDays(a, n)) === n.
   */
  workingDaysBetween(a: DateLike, b: DateLike): number {
    const da = toDayNumber(a);
    const db = toDayNumber(b);
    if (db === da) return 0;
    const [lo, hi, sign] = da < db ? [da, db, 1] : [db, da, -1];
    let count = 0;
    for (let d = lo + 1; d <= hi; d++) if (this.isWorkingDayNumber(d)) count++;
    return sign * count;
  }
}
