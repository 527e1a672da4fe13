import { fromDayNumber, shanghaiDate, toDayNumber, weekday } from '../deadlines/calendar-date';
import { breachDay, lastCompliantDay, type UpdatePeriod } from './inspection-rules';
import type { ReminderDue, ReminderStep } from './inspection.types';

/** Working-day test; without a calendar, Monday–Friday. */
export type DayTest = (d: string) => boolean;
export const weekdaysOnly: DayTest = (d) => {
  const w = weekday(toDayNumber(d));
  return w !== 0 && w !== 6;
};

export interface Forecast {
  lastPublishedDate: string | null;
  anchorDate: string | null;
  breachDateUnscheduled: string | null;
  breachDate: string | null;
  daysLeft: number | null;
  workingDaysLeft: number | null;
  scheduledCount: number;
  /** Nothing published and no start of watch, or (for columns) nothing ever published. */
  neverPublished: boolean;
  inBreach: boolean;
  steps: ReminderDue[];
  reminder: ReminderDue | null;
}

/**
 * When a target (column, account) breaches its period given what is scheduled. From the last confirmed
 * publication (else the start of the watch), each scheduled publication made no later than the last
 * compliant day of the current anchor becomes the new anchor; the first later one, or none, ends the
 * chain. A target already in breach stays in breach whatever is scheduled (the breach happened).
 * Reminder step `day` is sent (15 − day) days before the breach — day 10, 12, 14 of a two-week rule —
 * moved back to the previous working day when it falls on a weekend or holiday (never to the anchor day
 * or before), so nobody is first told on the Saturday of a long holiday.
 */
export function forecast(
  period: UpdatePeriod,
  lastPublished: string | Date | null,
  scheduled: readonly (string | Date)[],
  since: string | Date | null,
  today: string,
  steps: readonly ReminderStep[],
  isWorkingDay: DayTest = weekdaysOnly,
): Forecast {
  const t = toDayNumber(today);
  const last = lastPublished ? shanghaiDate(lastPublished) : null;
  const base = last ?? (since ? shanghaiDate(since) : null);
  const none: Forecast = {
    lastPublishedDate: last,
    anchorDate: null,
    breachDateUnscheduled: null,
    breachDate: null,
    daysLeft: null,
    workingDaysLeft: null,
    scheduledCount: 0,
    neverPublished: true,
    inBreach: true,
    steps: [],
    reminder: null,
  };
  if (!base) return none;
  const unscheduled = breachDay(base, period);
  const inBreach = toDayNumber(unscheduled) <= t;
  // a delivery due in the past but not yet confirmed is counted as going out today
  const dates = scheduled
    .map((s) => shanghaiDate(s))
    .map((s) => (toDayNumber(s) < t ? today : s))
    .filter((s) => s > base)
    .sort();
  let anchor = base;
  let used = 0;
  if (!inBreach) {
    for (const s of dates) {
      if (s > lastCompliantDay(anchor, period)) break;
      if (s > anchor) anchor = s;
      used++;
    }
  }
  const breach = inBreach ? unscheduled : breachDay(anchor, period);
  const b = toDayNumber(breach);
  let working = 0;
  for (let d = t; d < b; d++) if (isWorkingDay(fromDayNumber(d))) working++;
  const a = toDayNumber(anchor);
  const due: ReminderDue[] = steps.map((s, i) => {
    const nominal = Math.max(a + 1, b - (15 - s.day));
    let d = nominal;
    while (d > a + 1 && !isWorkingDay(fromDayNumber(d))) d--;
    if (!isWorkingDay(fromDayNumber(d))) d = nominal;
    return { step: i + 1, day: s.day, to: s.to, sendOn: fromDayNumber(d) };
  });
  const reached = due.filter((s) => toDayNumber(s.sendOn) <= t);
  return {
    lastPublishedDate: last,
    anchorDate: anchor,
    breachDateUnscheduled: unscheduled,
    breachDate: breach,
    daysLeft: b - t,
    workingDaysLeft: working,
    scheduledCount: used,
    neverPublished: !last,
    inBreach,
    steps: due,
    reminder: reached.length ? reached[reached.length - 1] : null,
  };
}
