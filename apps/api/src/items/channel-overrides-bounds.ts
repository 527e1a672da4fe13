import type { FieldProblem } from '@app/common/errors/app-error';

/**
 * Bounds of an item's channel overrides (channelOverrides[channelType] = the editor's per-channel
 * settings: WeChat title/digest/cover, Weibo text, LED text and schedule, gazette section). Real ones
 * are a few short values; 20,000 strings in one channel took 10.7 s of checks and ended in a 500.
 */
export const OVERRIDE_LIMITS = {
  channels: 16,
  /** Values in one channel, nested ones and array elements included. */
  valuesPerChannel: 64,
  /** Levels below the channel (led.hours[0].start is 3). */
  depth: 3,
  stringChars: 20_000,
  /** JSON size of one channel's overrides. */
  bytesPerChannel: 64 * 1024,
} as const;

const CHANNEL_KEY = /^[a-z][a-z0-9_-]{0,39}$/;

export function channelOverrideProblems(overrides: unknown, L = OVERRIDE_LIMITS): FieldProblem[] {
  if (overrides === undefined || overrides === null) return [];
  const root = 'channelOverrides';
  if (typeof overrides !== 'object' || Array.isArray(overrides)) return [{ field: root, reason: 'must be an object keyed by channel type' }];
  const channels = Object.entries(overrides as Record<string, unknown>);
  if (channels.length > L.channels) return [{ field: root, reason: `more than ${L.channels} channels` }];
  const out: FieldProblem[] = [];
  for (const [ch, o] of channels) {
    const at = `${root}.${ch}`;
    if (!CHANNEL_KEY.test(ch)) {
      out.push({ field: root, reason: `"${ch.slice(0, 40)}" is not a channel type` });
      continue;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      out.push({ field: at, reason: 'must be an object' });
      continue;
    }
    const problem = channelProblem(o as Record<string, unknown>, at, L);
    if (problem) out.push(problem);
  }
  return out;
}

function channelProblem(o: Record<string, unknown>, at: string, L: typeof OVERRIDE_LIMITS): FieldProblem | null {
  let values = 0;
  const stack: [unknown, string, number][] = Object.entries(o).map(([k, v]) => [v, `${at}.${k}`, 1]);
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (++values > L.valuesPerChannel) return { field: at, reason: `more than ${L.valuesPerChannel} values` };
    if (typeof v === 'string') {
      if (v.length > L.stringChars) return { field: path, reason: `longer than ${L.stringChars} characters` };
    } else if (v && typeof v === 'object') {
      const children = Array.isArray(v) ? v.map((x, i) => [x, String(i)] as const) : Object.entries(v).map(([k, x]) => [x, k] as const);
      if (children.length && depth >= L.depth) return { field: at, reason: `nested deeper than ${L.depth} levels` };
      for (const [x, k] of children) stack.push([x, `${path}.${k}`, depth + 1]);
    }
  }
  if (Buffer.byteLength(JSON.stringify(o)) > L.bytesPerChannel) return { field: at, reason: `larger than ${L.bytesPerChannel / 1024} KB` };
  return null;
}
