/**
 * Calendar dates as 'YYYY-MM-DD' strings in Asia/Shanghai, handled as whole days since the Unix epoch.
 * China has no daylight saving time, so a fixed +8 h offset is exact.
 */
export type DateLike = string | Date;

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86400 * 1000;

/** The Asia/Shanghai calendar date of an instant, or a 'YYYY-MM-DD' (or ISO date-time) string as given. */
export function shanghaiDate(d: DateLike): string {
  if (typeof d === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (m) return d;
    const parsed = new Date(d);
    if (Number.isNaN(parsed.getTime())) throw new RangeError(`not a date: ${d}`);
    return shanghaiDate(parsed);
  }
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid Date');
  return new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function toDayNumber(d: DateLike): number {
  const s = shanghaiDate(d);
  const [y, m, day] = s.split('-').map(Number);
  const t = Date.UTC(y, m - 1, day);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== day) throw new RangeError(`not a date: ${s}`);
  return Math.floor(t / DAY_MS);
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function yearOf(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCFullYear();
}
