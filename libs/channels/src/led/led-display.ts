import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';

/** A time-of-day window, "HH:MM" or "HH:MM:SS", start inclusive, end exclusive. */
export interface HoursWindow {
  start: string;
  end: string;
}

/** What an item asks of a screen (channelOverrides.led), checked and with defaults applied. */
export interface LedDisplay {
  text: string;
  textSource: 'override' | 'derived';
  from: Date;
  to: Date;
  /** ISO weekdays, 1 = Monday … 7 = Sunday, sorted. */
  weekdays: number[];
  hours: HoursWindow[];
  /** 1..9, higher plays first. */
  priority: number;
  emergency: boolean;
  colour?: string;
}

export const LED_TEXT_MAX_CHARS = 200;

/** 00:00 Beijing time (UTC+8, no daylight saving) of the day an instant falls on. */
export function beijingDayStart(d: Date): Date {
  const t = d.getTime() + 8 * 3600_000;
  return new Date(Math.floor(t / 86400_000) * 86400_000 - 8 * 3600_000);
}
/** Derived texts (no override) longer than this use the title alone. */
const DERIVED_MAX_CHARS = 60;
export const EMERGENCY_MAX_HOURS = 72;
export const LED_WINDOW_MAX_DAYS = 366;

const DAY_NAMES: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, thur: 4, fri: 5, sat: 6, sun: 7 };
const CN_DAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

function seconds(hms: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(hms ?? '');
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (mi > 59 || s > 59 || h > 24 || (h === 24 && (mi || s))) return null;
  return h * 3600 + mi * 60 + s;
}

export function secondsOfDay(hms: string): number {
  const s = seconds(hms);
  if (s === null) throw new Error(`bad time ${hms}`);
  return s;
}

/** The text shown when the editor wrote none: the title, with the summary when both are short. */
export function deriveLedText(s: Pick<ItemSnapshot, 'title' | 'summary'>): string {
  const title = s.title.trim();
  const summary = (s.summary ?? '').trim();
  if (summary && Array.from(title + summary).length + 1 <= DERIVED_MAX_CHARS) return `${title}：${summary}`;
  return title;
}

function parseWeekday(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 7 ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^[1-7]$/.test(t)) return Number(t);
  const en = DAY_NAMES[t.toLowerCase()];
  if (en) return en;
  const cn = /^(?:周|星期)([一二三四五六日天])$/.exec(t);
  return cn ? CN_DAYS[cn[1]] : null;
}

/**
 * Reads channelOverrides.led of a version. `now` is the submit (or delivery) time: the window must
 * end after it. Without `from` the entry shows from `now`; without `to`, for `defaultDays`.
 */
export function parseLedDisplay(
  v: Pick<ItemSnapshot, 'title' | 'summary' | 'channelOverrides'>,
  now: Date,
  defaultDays: number,
): { display: LedDisplay | null; problems: FieldProblem[] } {
  const o: Record<string, any> = v.channelOverrides?.led ?? {};
  const problems: FieldProblem[] = [];
  const f = (name: string) => `channelOverrides.led.${name}`;

  let text: string;
  let textSource: LedDisplay['textSource'] = 'override';
  if (o.text !== undefined && o.text !== null && String(o.text).trim() !== '') {
    text = String(o.text).replace(/\s+/g, ' ').trim();
    if (Array.from(text).length > LED_TEXT_MAX_CHARS)
      problems.push({ field: f('text'), reason: `LED短文本不能超过${LED_TEXT_MAX_CHARS}字（现${Array.from(text).length}字）` });
  } else {
    text = deriveLedText(v);
    textSource = 'derived';
    if (!text) problems.push({ field: f('text'), reason: '请填写LED短文本（标题为空，无法生成）' });
  }

  const date = (name: 'from' | 'to'): Date | null | undefined => {
    const raw = o[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const d = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? new Date(raw) : null;
    if (!d || Number.isNaN(d.getTime())) {
      problems.push({ field: f(name), reason: '时间格式应为 ISO 8601，如 2026-03-01T08:00:00+08:00' });
      return null;
    }
    return d;
  };
  const fromIn = date('from');
  const toIn = date('to');
  const emergency = o.emergency === true;
  if (o.emergency !== undefined && typeof o.emergency !== 'boolean') problems.push({ field: f('emergency'), reason: '紧急插播应为 true 或 false' });
  const from = fromIn ?? now;
  // By default through the end of the day `defaultDays` after the start (whole days on the controller).
  let to = toIn ?? new Date(beijingDayStart(from).getTime() + (defaultDays + 1) * 86400_000);
  if (emergency && !toIn) problems.push({ field: f('to'), reason: '紧急插播须设置结束时间' });
  if (fromIn !== null && toIn !== null) {
    if (to.getTime() <= from.getTime()) problems.push({ field: f('to'), reason: '结束时间须晚于开始时间' });
    else if (to.getTime() <= now.getTime()) problems.push({ field: f('to'), reason: '显示时段已结束，请调整结束时间' });
    else if (to.getTime() - from.getTime() > LED_WINDOW_MAX_DAYS * 86400_000)
      problems.push({ field: f('to'), reason: `显示时段不能超过${LED_WINDOW_MAX_DAYS}天` });
    else if (emergency && to.getTime() - Math.max(from.getTime(), now.getTime()) > EMERGENCY_MAX_HOURS * 3600_000) {
      problems.push({ field: f('to'), reason: `紧急插播最长${EMERGENCY_MAX_HOURS}小时，到期后可再次发布` });
    }
  }
  if (to.getTime() <= from.getTime()) to = new Date(from.getTime() + 1000);

  let weekdays = [1, 2, 3, 4, 5, 6, 7];
  if (o.weekdays !== undefined && o.weekdays !== null) {
    const list = Array.isArray(o.weekdays) ? o.weekdays.map(parseWeekday) : [null];
    if (!list.length || list.some((x: number | null) => x === null))
      problems.push({ field: f('weekdays'), reason: '星期应为 1–7（周一至周日）或 Mon…Sun 的非空列表' });
    else weekdays = [...new Set(list as number[])].sort((a, b) => a - b);
  }

  const hours: HoursWindow[] = [];
  if (o.hours !== undefined && o.hours !== null) {
    if (!Array.isArray(o.hours)) problems.push({ field: f('hours'), reason: '时段应为 [{start:"08:30", end:"12:00"}] 列表' });
    else {
      const spans: [number, number][] = [];
      for (const [i, h] of o.hours.entries()) {
        const a = seconds(h?.start);
        const b = seconds(h?.end);
        if (a === null || b === null || b <= a) {
          problems.push({ field: `${f('hours')}[${i}]`, reason: '时段应为 HH:MM 格式，且结束晚于开始' });
          continue;
        }
        spans.push([a, b]);
        hours.push({ start: hms(a), end: hms(b) });
      }
      spans.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) problems.push({ field: f('hours'), reason: '时段不能重叠' });
      hours.sort((x, y) => x.start.localeCompare(y.start));
    }
  }

  let priority = 5;
  if (o.priority !== undefined && o.priority !== null) {
    if (Number.isInteger(o.priority) && o.priority >= 1 && o.priority <= 9) priority = o.priority;
    else problems.push({ field: f('priority'), reason: '优先级应为 1–9 的整数（9 最高）' });
  }
  const colour = typeof o.colour === 'string' && o.colour.trim() ? o.colour.trim() : undefined;
  return { display: problems.length ? null : { text, textSource, from, to, weekdays, hours, priority, emergency, colour }, problems };
}

export function hms(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}
