import { AppError } from '@app/common/errors/app-error';
import { CALENDAR_DIR } from '../testing/fixtures';
import { shanghaiDate } from './calendar-date';
import { WorkingCalendar } from './working-calendar';

describe('WorkingCalendar (config/calendar)', () => {
  const cal = WorkingCalendar.fromDirectory(CALENDAR_DIR);

  it('covers 2024–2026', () => {
    expect(cal.years).toEqual([2024, 2025, 2026]);
  });

  it.each([
    // [date, working?] — holidays on weekdays, 调休 weekends, plain days
    ['2024-02-12', false], // 春节 Monday
    ['2024-02-04', true], // 调休 Sunday
    ['2024-02-18', true], // 调休 Sunday
    ['2024-05-11', true], // 调休 Saturday
    ['2024-10-07', false],
    ['2024-10-12', true],
    ['2025-01-01', false],
    ['2025-01-26', true], // 调休 Sunday
    ['2025-02-04', false], // 春节 last day (Tuesday)
    ['2025-02-08', true], // 调休 Saturday
    ['2025-06-02', false], // 端午 Monday
    ['2025-10-08', false], // 国庆中秋 Wednesday
    ['2025-10-11', true],
    ['2025-10-09', true],
    ['2026-01-02', false], // 元旦 Friday
    ['2026-01-04', true], // 调休 Sunday
    ['2026-02-23', false], // 春节 Monday
    ['2026-02-28', true], // 调休 Saturday
    ['2026-05-09', true],
    ['2026-09-20', true],
    ['2026-10-10', true],
    ['2026-03-02', true], // plain Monday
    ['2026-03-07', false], // plain Saturday
  ])('%s working day: %s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('adds working days across holidays and 调休', () => {
    // Friday before National Day 2024: Sun 9/29 (调休) and Mon 9/30 work, then 10/1–7 off.
    expect(cal.addWorkingDays('2024-09-27', 3)).toBe('2024-10-08');
    // Spring Festival 2025: 1/26 (Sun) works, 1/28–2/4 off.
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(cal.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(cal.addWorkingDays('2026-03-06', 0)).toBe('2026-03-06');
    expect(cal.addWorkingDays('2024-10-08', -3)).toBe('2024-09-27');
  });

  it('counts working days between dates, consistently with addWorkingDays', () => {
    expect(cal.workingDaysBetween('2024-09-27', '2024-10-08')).toBe(3);
    expect(cal.workingDaysBetween('2024-10-08', '2024-09-27')).toBe(-3);
    expect(cal.workingDaysBetween('2025-03-03', '2025-03-03')).toBe(0);
    expect(cal.workingDaysBetween('2025-03-03', '2025-03-10')).toBe(5);
    for (const start of ['2024-01-31', '2024-12-27', '2025-09-26', '2026-02-13']) {
      for (const n of [1, 3, 20, 45]) expect(cal.workingDaysBetween(start, cal.addWorkingDays(start, n))).toBe(n);
    }
  });

  it('has the expected number of working days per year', () => {
    // Counted by hand from the notices: weekdays − holidays falling on weekdays + 调休 days.
    // 2024: 262 − 19 + 8; 2025: 261 − 18 + 5; 2026: 261 − 19 + 6.
    expect(cal.workingDaysBetween('2023-12-31', '2024-12-31')).toBe(251);
    expect(cal.workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('refuses dates in years without a calendar unless told to use weekends', () => {
    expect(() => cal.addWorkingDays('2026-12-30', 5)).toThrow(AppError);
    try {
      cal.isWorkingDay('2027-03-01');
    } catch (e) {
      expect((e as AppError).code).toBe('CALENDAR_YEAR_MISSING');
      expect((e as AppError).message).toContain('2027');
    }
    const lenient = WorkingCalendar.fromDirectory(CALENDAR_DIR, { missingYear: 'weekends' });
    expect(lenient.isWorkingDay('2027-03-01')).toBe(true);
    expect(lenient.isWorkingDay('2027-03-06')).toBe(false);
  });

  it('rejects inconsistent calendars', () => {
    expect(() => new WorkingCalendar([{ year: 2025, holidays: [], workdays: [{ name: 'x', dates: ['2025-03-05'] }] }])).toThrow(/工作日历配置有误/);
    expect(() => new WorkingCalendar([{ year: 2025, holidays: [{ name: 'x', from: '2024-12-31', to: '2025-01-01' }], workdays: [] }])).toThrow(AppError);
  });

  it('converts instants to Asia/Shanghai dates', () => {
    expect(shanghaiDate(new Date('2025-01-27T16:30:00Z'))).toBe('2025-01-28');
    expect(shanghaiDate(new Date('2025-01-27T15:59:59Z'))).toBe('2025-01-27');
    expect(shanghaiDate('2025-01-27T23:00:00+08:00')).toBe('2025-01-27');
  });
});
