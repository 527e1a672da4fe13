/**
 * Structure checks for a Huidu program (program → area → item), as the device would refuse it.
 * Pure, so the rules are unit-tested apart from HTTP.
 */
export interface HuiduProgramSummary {
  uuid: string;
  name: string;
  texts: string[];
  images: string[];
  areas: { x: number; y: number; width: number; height: number }[];
}

const ITEM_TYPES = ['text', 'image', 'video', 'digitalClock', 'dialClock', 'dynamic'];

export type ProgramCheck = { ok: true; summary: HuiduProgramSummary } | { ok: false; error: string };

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function checkProgram(p: unknown, i: number): ProgramCheck {
  const where = `data[${i}]`;
  if (!isObj(p)) return { ok: false, error: `${where}: program must be an object` };
  if (typeof p.name !== 'string' || p.name === '') return { ok: false, error: `${where}.name: required string` };
  if (typeof p.uuid !== 'string' || p.uuid === '') return { ok: false, error: `${where}.uuid: required string` };
  if (p.type !== undefined && p.type !== 'normal') return { ok: false, error: `${where}.type: only "normal" is supported` };
  const pc = checkPlayControl(p.playControl, `${where}.playControl`);
  if (pc) return { ok: false, error: pc };
  if (!Array.isArray(p.area) || p.area.length === 0) return { ok: false, error: `${where}.area: at least one area is required` };
  const summary: HuiduProgramSummary = { uuid: p.uuid, name: p.name, texts: [], images: [], areas: [] };
  for (let a = 0; a < p.area.length; a++) {
    const area = p.area[a] as unknown;
    const aw = `${where}.area[${a}]`;
    if (!isObj(area)) return { ok: false, error: `${aw}: must be an object` };
    for (const k of ['x', 'y', 'width', 'height'] as const) {
      if (!isInt(area[k]) || (area[k] as number) < 0) return { ok: false, error: `${aw}.${k}: non-negative integer required` };
    }
    if ((area.width as number) === 0 || (area.height as number) === 0) return { ok: false, error: `${aw}: width and height must be positive` };
    summary.areas.push({ x: area.x as number, y: area.y as number, width: area.width as number, height: area.height as number });
    if (!Array.isArray(area.item) || area.item.length === 0) return { ok: false, error: `${aw}.item: at least one item is required` };
    for (let k = 0; k < area.item.length; k++) {
      const item = area.item[k] as unknown;
      const iw = `${aw}.item[${k}]`;
      if (!isObj(item)) return { ok: false, error: `${iw}: must be an object` };
      if (typeof item.type !== 'string' || !ITEM_TYPES.includes(item.type)) return { ok: false, error: `${iw}.type: one of ${ITEM_TYPES.join(', ')}` };
      if (item.type === 'text' || item.type === 'dynamic') {
        if (typeof item.string !== 'string' || item.string === '') return { ok: false, error: `${iw}.string: required for ${item.type}` };
        summary.texts.push(item.string);
      }
      if (item.type === 'image' || item.type === 'video') {
        if (typeof item.file !== 'string' || item.file === '') return { ok: false, error: `${iw}.file: required for ${item.type}` };
        if (typeof item.fileMd5 !== 'string' || !/^[0-9a-fA-F]{32}$/.test(item.fileMd5)) return { ok: false, error: `${iw}.fileMd5: 32 hex digits required` };
        if (item.fileSize !== undefined && (!isInt(item.fileSize) || item.fileSize < 0)) return { ok: false, error: `${iw}.fileSize: non-negative integer` };
        if (item.type === 'image' && item.fit !== undefined && !['fill', 'center', 'stretch', 'tile'].includes(String(item.fit))) {
          return { ok: false, error: `${iw}.fit: fill, center, stretch or tile` };
        }
        summary.images.push(item.file);
      }
      if (item.font !== undefined) {
        if (!isObj(item.font)) return { ok: false, error: `${iw}.font: must be an object` };
        if (item.font.color !== undefined && (typeof item.font.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(item.font.color))) {
          return { ok: false, error: `${iw}.font.color: #RRGGBB required` };
        }
        if (item.font.size !== undefined && (!isInt(item.font.size) || item.font.size <= 0)) return { ok: false, error: `${iw}.font.size: positive integer` };
      }
      if (item.effect !== undefined) {
        const e = item.effect;
        if (!isObj(e)) return { ok: false, error: `${iw}.effect: must be an object` };
        if (e.type !== undefined && (!isInt(e.type) || e.type < 0 || e.type > 30)) return { ok: false, error: `${iw}.effect.type: integer 0..30` };
        if (e.speed !== undefined && (!isInt(e.speed) || e.speed < 0 || e.speed > 8)) return { ok: false, error: `${iw}.effect.speed: integer 0..8` };
        if (e.hold !== undefined && (!isInt(e.hold) || e.hold < 0 || e.hold > 9999999))
          return { ok: false, error: `${iw}.effect.hold: integer 0..9999999 (ms)` };
      }
      if (item.alignment !== undefined && !['left', 'center', 'right'].includes(String(item.alignment))) {
        return { ok: false, error: `${iw}.alignment: left, center or right` };
      }
    }
  }
  return { ok: true, summary };
}

function checkPlayControl(pc: unknown, where: string): string | undefined {
  if (pc === undefined) return undefined;
  if (!isObj(pc)) return `${where}: must be an object`;
  const hms = /^\d{2}:\d{2}:\d{2}$/;
  if (pc.duration !== undefined && (typeof pc.duration !== 'string' || !hms.test(pc.duration))) return `${where}.duration: HH:MM:SS`;
  if (pc.week !== undefined) {
    if (!isObj(pc.week) || typeof pc.week.enable !== 'string') return `${where}.week.enable: comma-separated day names`;
    const days = pc.week.enable
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    if (days.some((d) => !['Mon', 'Tue', 'Wed', 'Thu', 'Thur', 'Fri', 'Sat', 'Sun'].includes(d))) return `${where}.week.enable: unknown day name`;
  }
  const ranges = (v: unknown, re: RegExp, name: string): string | undefined => {
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    for (const r of list) {
      if (!isObj(r) || typeof r.start !== 'string' || typeof r.end !== 'string' || !re.test(r.start) || !re.test(r.end))
        return `${where}.${name}: [{start, end}] expected`;
    }
    return undefined;
  };
  return ranges(pc.date, /^\d{4}-\d{2}-\d{2}$/, 'date') ?? ranges(pc.time, hms, 'time');
}

/** An area that does not fit the screen is refused by the device. */
export function areasFit(summary: HuiduProgramSummary, width: number, height: number): string | undefined {
  for (let i = 0; i < summary.areas.length; i++) {
    const a = summary.areas[i];
    if (a.x + a.width > width || a.y + a.height > height) {
      return `area[${i}] (${a.x},${a.y} ${a.width}x${a.height}) exceeds the screen ${width}x${height}`;
    }
  }
  return undefined;
}
