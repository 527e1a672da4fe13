import { createHash } from 'crypto';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { LedDisplay } from './led-display';
import { BuiltProgram, buildProgram, ProgramEntry, ProgramScreen, selectEntries } from './led-program';
import type { NovastarScreenSettings } from './novastar-settings';

/**
 * What a NovaStar screen plays, as VNNOX open API bodies (NOVASTAR.md §1.3). The v2 API has no text
 * widget (not found) and no media upload, so every page is a PNG from our renderer, served by our API
 * at a URL the player downloads (`novastar-media.ts`).
 */

export interface NovastarSelection {
  /** started, not ended, non-emergency entries, in play order */
  normal: ProgramEntry[];
  /** emergency entries whose window is open */
  emergencies: ProgramEntry[];
  /** when the last open emergency ends */
  emergencyEnd: Date | null;
}

export function selectNovastar(entries: ProgramEntry[], now: Date): NovastarSelection {
  const t = now.getTime();
  const live = entries.filter((e) => e.from.getTime() <= t && e.to.getTime() > t && e.pages.length > 0);
  const normal = selectEntries(
    live.filter((e) => !e.emergency),
    now,
  ).included;
  const emergencies = selectEntries(
    live.filter((e) => e.emergency),
    now,
  ).included;
  const end = emergencies.reduce((m, e) => Math.max(m, e.to.getTime()), 0);
  return { normal, emergencies, emergencyEnd: end ? new Date(end) : null };
}

/**
 * The version a NovaStar screen gets: the entries shown now (the open emergencies, else the normal
 * entries — a normal entry is not counted as shown while an emergency pauses the program), a
 * Huidu-shaped program of them for the console, and a hash over both the normal program and the
 * emergency, so a version changes whenever either call would send something else.
 */
export function buildNovastarProgram(screen: ProgramScreen, entries: ProgramEntry[], now: Date): BuiltProgram {
  const sel = selectNovastar(entries, now);
  const shown = sel.emergencies.length ? sel.emergencies : sel.normal;
  const view = buildProgram(screen, shown, now);
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        n: buildProgram(screen, sel.normal, now).hash,
        e: buildProgram(screen, sel.emergencies, now).hash,
        end: sel.emergencyEnd?.getTime() ?? null,
      }),
    )
    .digest('hex');
  return { programs: view.programs, entryIds: shown.map((e) => e.id), emergency: sel.emergencies.length > 0, hash };
}

/** Items a NovaStar screen cannot honour: the program plays as a whole, so daily hours and weekdays are refused. */
export function novastarDisplayProblems(d: LedDisplay): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (d.hours.length) out.push({ field: 'channelOverrides.led.hours', reason: '诺瓦屏按整段显示时间播放，不支持每日时段，请删除 hours' });
  if (d.weekdays.length && d.weekdays.length < 7)
    out.push({ field: 'channelOverrides.led.weekdays', reason: '诺瓦屏按整段显示时间播放，不支持按星期显示，请删除 weekdays' });
  return out;
}

const FULL = { x: '0%', y: '0%', width: '100%', height: '100%' };

/** Public URL of one page's PNG; `s` changes when the page's text changes, so a player never reuses a stale download. */
export function pageUrl(ns: NovastarScreenSettings, accountId: string, key: string, e: ProgramEntry, page: number): string {
  const s = createHash('sha1')
    .update(e.pages[page - 1] ?? '')
    .update(e.colour)
    .digest('hex')
    .slice(0, 12);
  return `${ns.mediaBaseUrl}/led/screens/${accountId}/media/${e.id}/${page}.png?s=${s}&key=${encodeURIComponent(key)}`;
}

function widgets(ns: NovastarScreenSettings, accountId: string, key: string, e: ProgramEntry, holdMs: number) {
  // One picture per page, in order, each for the screen's hold time (ms, §1.3). Sequential play of
  // widgets within a page is our reading of `duration` (not documented).
  return e.pages.map((_, i) => ({ type: 'PICTURE', zIndex: 1, duration: holdMs, url: pageUrl(ns, accountId, key, e, i + 1), layout: FULL }));
}

/** POST /v2/player/program/normal body: one page per entry; nothing to show → one black page (no clear call is documented). */
export function normalProgramBody(ns: NovastarScreenSettings, accountId: string, key: string, sel: NovastarSelection, holdMs: number): Record<string, unknown> {
  const pages = sel.normal.map((e, i) => ({ name: `${i + 1}-${e.title}`.slice(0, 60), widgets: widgets(ns, accountId, key, e, holdMs) }));
  if (!pages.length) {
    pages.push({
      name: 'blank',
      widgets: [
        {
          type: 'PICTURE',
          zIndex: 1,
          duration: holdMs,
          url: `${ns.mediaBaseUrl}/led/screens/${accountId}/media/blank.png?key=${encodeURIComponent(key)}`,
          layout: FULL,
        },
      ],
    });
  }
  return { playerIds: ns.playerIds, pages };
}

/** POST /v2/player/emergency-program/page body: all open emergencies on one page, pausing the normal program until they end. */
export function emergencyBody(
  ns: NovastarScreenSettings,
  accountId: string,
  key: string,
  sel: NovastarSelection,
  holdMs: number,
  now: Date,
): Record<string, unknown> {
  const duration = Math.max(1000, (sel.emergencyEnd?.getTime() ?? now.getTime()) - now.getTime());
  return {
    playerIds: ns.playerIds,
    attribute: { duration, normalProgramStatus: 'PAUSE', spotsType: 'IMMEDIATELY' },
    page: { name: '紧急插播', widgets: sel.emergencies.flatMap((e) => widgets(ns, accountId, key, e, holdMs)) },
  };
}
