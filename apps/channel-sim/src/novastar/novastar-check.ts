/**
 * Body checks of the NovaStar VNNOX open API (v2) simulator. Shapes from the public client
 * `Sentia/novacloud_client` (lib/novacloud_client/resources/solutions.rb, spec/…/solutions_spec.rb),
 * summarised in libs/channels/src/led/NOVASTAR.md §1.3. Where the sources show a field but not its
 * rules, the stricter reading: the field is required and must have the type the clients send.
 */

export interface NovastarWidget {
  type: string;
  zIndex: number;
  duration: number;
  url?: string;
  layout: { x: string; y: string; width: string; height: string };
}

export interface NovastarPage {
  name: string;
  widgets: NovastarWidget[];
}

export type Check<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/** Widget types seen in public clients (VIDEO, PICTURE); text widgets for v2: not found (NOVASTAR.md §1.3). */
const WIDGET_TYPES = ['PICTURE', 'VIDEO', 'GIF'];
const PERCENT = /^\d{1,3}(\.\d+)?%$/;

function fail(field: string, reason: string): { ok: false; field: string; reason: string } {
  return { ok: false, field, reason };
}

export function checkPlayerIds(v: unknown, field = 'playerIds', max = Infinity): Check<string[]> {
  if (!Array.isArray(v) || v.length === 0) return fail(field, 'must be a non-empty array of player ids');
  if (v.length > max) return fail(field, `at most ${max} ids per call`);
  if (!v.every((x) => typeof x === 'string' && x.length > 0)) return fail(field, 'ids must be non-empty strings');
  return { ok: true, value: [...new Set(v as string[])] };
}

export function checkPage(p: unknown, field: string): Check<NovastarPage> {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return fail(field, 'must be an object');
  const page = p as Record<string, unknown>;
  if (typeof page.name !== 'string' || !page.name) return fail(`${field}.name`, 'required');
  if (!Array.isArray(page.widgets) || page.widgets.length === 0) return fail(`${field}.widgets`, 'must be a non-empty array');
  for (const [i, w] of page.widgets.entries()) {
    const f = `${field}.widgets[${i}]`;
    if (!w || typeof w !== 'object') return fail(f, 'must be an object');
    const x = w as Record<string, unknown>;
    if (typeof x.type !== 'string' || !WIDGET_TYPES.includes(x.type)) return fail(`${f}.type`, `must be one of ${WIDGET_TYPES.join(', ')}`);
    if (!Number.isInteger(x.zIndex)) return fail(`${f}.zIndex`, 'must be an integer');
    // Durations are milliseconds (NOVASTAR.md §1.3); 0 is used for videos ("play to the end").
    if (!Number.isInteger(x.duration) || (x.duration as number) < 0) return fail(`${f}.duration`, 'must be a non-negative integer (ms)');
    if (x.type === 'PICTURE' && (x.duration as number) === 0) return fail(`${f}.duration`, 'a picture needs a duration in ms');
    // Media are URLs the player downloads; the open API has no upload (NOVASTAR.md §1.3).
    if (typeof x.url !== 'string' || !/^https?:\/\/\S+$/.test(x.url)) return fail(`${f}.url`, 'must be an http(s) URL the player can download');
    const l = x.layout as Record<string, unknown> | undefined;
    if (!l || typeof l !== 'object') return fail(`${f}.layout`, 'required');
    for (const k of ['x', 'y', 'width', 'height']) {
      if (typeof l[k] !== 'string' || !PERCENT.test(l[k] as string)) return fail(`${f}.layout.${k}`, 'must be a percentage such as "100%"');
    }
  }
  return { ok: true, value: page as unknown as NovastarPage };
}

export function checkPages(v: unknown): Check<NovastarPage[]> {
  if (!Array.isArray(v) || v.length === 0) return fail('pages', 'must be a non-empty array');
  for (const [i, p] of v.entries()) {
    const c = checkPage(p, `pages[${i}]`);
    if (!c.ok) return c;
  }
  return { ok: true, value: v as NovastarPage[] };
}

export interface EmergencyAttribute {
  duration: number;
  normalProgramStatus: 'PAUSE' | 'RESUME';
  spotsType: 'IMMEDIATELY' | 'TIMED';
}

/** `attribute` of an emergency insertion: duration in ms, normalProgramStatus PAUSE|RESUME, spotsType IMMEDIATELY|TIMED (NOVASTAR.md §1.3). */
export function checkAttribute(v: unknown): Check<EmergencyAttribute> {
  if (!v || typeof v !== 'object') return fail('attribute', 'required');
  const a = v as Record<string, unknown>;
  if (!Number.isInteger(a.duration) || (a.duration as number) <= 0) return fail('attribute.duration', 'must be a positive integer (ms)');
  if (a.normalProgramStatus !== 'PAUSE' && a.normalProgramStatus !== 'RESUME') return fail('attribute.normalProgramStatus', 'must be PAUSE or RESUME');
  if (a.spotsType !== 'IMMEDIATELY' && a.spotsType !== 'TIMED') return fail('attribute.spotsType', 'must be IMMEDIATELY or TIMED');
  // A TIMED insertion needs a start time whose field name no public source shows: refused (stricter reading).
  if (a.spotsType === 'TIMED') return fail('attribute.spotsType', 'TIMED insertions are not simulated (their start field is not in the public sources)');
  return { ok: true, value: a as unknown as EmergencyAttribute };
}

export function widgetUrls(pages: NovastarPage[]): string[] {
  return pages.flatMap((p) => p.widgets.map((w) => w.url ?? ''));
}
