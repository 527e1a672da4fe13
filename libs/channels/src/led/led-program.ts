import { createHash } from 'crypto';
import type { HoursWindow } from './led-display';
import { beijingDayStart, hms, secondsOfDay } from './led-display';
import type { HuiduPlayControl, HuiduProgram, HuiduTextItem, LedEffect } from './huidu-program.types';

/** An active entry as the program builder needs it. */
export interface ProgramEntry {
  id: string;
  title: string;
  /** The text split for the screen: one string per page, lines joined by \n (from the renderer). */
  pages: string[];
  from: Date;
  to: Date;
  weekdays: number[];
  hours: HoursWindow[];
  priority: number;
  emergency: boolean;
  /** #RRGGBB the screen can show. */
  colour: string;
  createdAt: Date;
}

export interface ProgramScreen {
  width: number;
  height: number;
  lineHeight: number;
  fontName: string;
  effect: LedEffect;
}

export interface BuiltProgram {
  programs: HuiduProgram[];
  /** Entries in the program, in play order. */
  entryIds: string[];
  /** true: an emergency entry is active and interrupts the normal program. */
  emergency: boolean;
  hash: string;
}

const DAY = 86400;
const WEEK = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function beijing(d: Date): { day: number; sec: number } {
  const t = d.getTime() + 8 * 3600_000;
  return { day: Math.floor(t / 86400_000), sec: Math.floor((((t % 86400_000) + 86400_000) % 86400_000) / 1000) };
}

function dayString(day: number): string {
  return new Date(day * 86400_000).toISOString().slice(0, 10);
}

export interface ScheduleSegment {
  date: { start: string; end: string };
  /** Absent: all day. */
  time?: { start: string; end: string }[];
}

/**
 * Expresses the window [from, to) (Beijing time) intersected with daily hours as controller
 * schedules, which only know date ranges and daily time ranges: a partial first day, the whole days
 * between, a partial last day — at most three segments, so the device itself starts and stops the
 * entry on time even when our schedule cannot reach it.
 */
export function scheduleSegments(from: Date, to: Date, hours: HoursWindow[]): ScheduleSegment[] {
  if (to.getTime() <= from.getTime()) return [];
  const F = beijing(from);
  const T = beijing(to);
  const lastDay = T.sec === 0 ? T.day - 1 : T.day;
  const lastEnd = T.sec === 0 ? DAY : T.sec;
  const raw: { d1: number; d2: number; a: number; b: number }[] = [];
  if (F.day === lastDay) raw.push({ d1: F.day, d2: F.day, a: F.sec, b: lastEnd });
  else {
    let midStart = F.day;
    if (F.sec > 0) {
      raw.push({ d1: F.day, d2: F.day, a: F.sec, b: DAY });
      midStart = F.day + 1;
    }
    const midEnd = lastEnd < DAY ? lastDay - 1 : lastDay;
    if (midStart <= midEnd) raw.push({ d1: midStart, d2: midEnd, a: 0, b: DAY });
    if (lastEnd < DAY) raw.push({ d1: lastDay, d2: lastDay, a: 0, b: lastEnd });
  }
  const windows: [number, number][] = hours.length ? hours.map((h) => [secondsOfDay(h.start), secondsOfDay(h.end)]) : [[0, DAY]];
  const out: ScheduleSegment[] = [];
  for (const r of raw) {
    const spans = windows.map(([s, e]) => [Math.max(s, r.a), Math.min(e, r.b)] as [number, number]).filter(([s, e]) => e > s);
    if (!spans.length) continue;
    const seg: ScheduleSegment = { date: { start: dayString(r.d1), end: dayString(r.d2) } };
    if (!(spans.length === 1 && spans[0][0] === 0 && spans[0][1] === DAY)) {
      seg.time = spans.map(([s, e]) => ({ start: hms(s), end: e >= DAY ? '23:59:59' : hms(e) }));
    }
    out.push(seg);
  }
  return out;
}

/**
 * What plays now: an active emergency entry (its window has begun) interrupts the normal program, so
 * only active emergencies are included while one lasts; otherwise every entry not yet expired
 * (future ones carry their own schedule). Play order: emergency, priority (9 first), start, age.
 */
export function selectEntries(entries: ProgramEntry[], now: Date): { included: ProgramEntry[]; emergency: boolean } {
  const t = now.getTime();
  const live = entries.filter((e) => e.to.getTime() > t && e.pages.length > 0);
  const active = live.filter((e) => e.emergency && e.from.getTime() <= t);
  const included = active.length ? active : live;
  included.sort(
    (a, b) =>
      Number(b.emergency) - Number(a.emergency) ||
      b.priority - a.priority ||
      a.from.getTime() - b.from.getTime() ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  );
  return { included, emergency: active.length > 0 };
}

function duration(ms: number): string {
  return hms(Math.min(DAY - 1, Math.max(1, Math.ceil(ms / 1000))));
}

function shortName(s: string, max = 32): string {
  const chars = Array.from(s.replace(/\s+/g, ' ').trim());
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : chars.join('');
}

/** The whole program of a screen: one Huidu program per entry and schedule segment, content-addressed uuids. */
export function buildProgram(screen: ProgramScreen, entries: ProgramEntry[], now: Date): BuiltProgram {
  const { included, emergency } = selectEntries(entries, now);
  const programs: HuiduProgram[] = [];
  const entryIds: string[] = [];
  for (const e of included) {
    // A start already passed needs no partial first day: snapping it to its day keeps one segment
    // and the same program (and hash) from one sync to the next.
    const from = e.from.getTime() <= now.getTime() ? beijingDayStart(e.from) : e.from;
    const segments = scheduleSegments(from, e.to, e.hours);
    if (!segments.length) continue;
    entryIds.push(e.id);
    const week = e.weekdays.length && e.weekdays.length < 7 ? { enable: e.weekdays.map((d) => WEEK[d]).join(',') } : undefined;
    const items: HuiduTextItem[] = e.pages.map((page) => ({
      type: 'text',
      string: page,
      multiLine: page.includes('\n'),
      alignment: 'center',
      font: { name: screen.fontName, size: screen.lineHeight, color: e.colour },
      effect: { ...screen.effect },
    }));
    segments.forEach((seg, i) => {
      const playControl: HuiduPlayControl = { duration: duration(e.pages.length * screen.effect.hold) };
      if (week) playControl.week = week;
      playControl.date = [seg.date];
      if (seg.time) playControl.time = seg.time;
      const name = `${e.emergency ? '【紧急】' : ''}${shortName(e.title)}${segments.length > 1 ? `（${i + 1}/${segments.length}）` : ''}`;
      const body = { name, type: 'normal' as const, playControl, area: [{ x: 0, y: 0, width: screen.width, height: screen.height, item: items }] };
      const digest = createHash('sha1').update(JSON.stringify(body)).digest('hex').slice(0, 10);
      programs.push({ name, type: 'normal', uuid: `${e.id.replace(/-/g, '')}-${i + 1}-${digest}`, playControl, area: body.area });
    });
  }
  const hash = createHash('sha256').update(JSON.stringify(programs)).digest('hex');
  return { programs, entryIds, emergency, hash };
}

/** Entry id from a program uuid built here. */
export function entryIdOfUuid(uuid: string): string | null {
  const m = /^([0-9a-f]{32})-\d+-[0-9a-f]+$/.exec(uuid);
  if (!m) return null;
  const h = m[1];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
