import { Region } from './aspect-crop';
import { EncodeJob } from './budget-encoder';
import { budgetAtRisk } from './size-model';

/**
 * How the renditions of one decoded picture are derived: which intermediate sizes are resampled into
 * memory ("levels"), which level each encode reads, which encodes wait for a sibling's size figure,
 * and in what order the steps should run. Pure planning, no pixels.
 *
 * Levels. A whole-frame rendition becomes a level only when a smaller rendition will read it AND it has
 * at most half the pixels of its own source: then deriving the small ones from it saves more than
 * writing it to memory costs. Otherwise the rendition resizes inside its own encode pipeline (no copy
 * in memory) and smaller ones read the nearest existing level. For the bench's 2048 px decode that gives
 * 2048 → 1080 → 400 as levels, with 1600 encoded straight from 2048 alongside the 1080 resize, instead
 * of the serial chain 2048 → 1600 → 1080 → 400.
 *
 * Order. Steps run in lanes (one per core); a free lane takes the ready step with the longest
 * estimated remaining path (its own cost plus the costliest chain that waits on it), so the long
 * encode and the resizes that feed other steps start first and small encodes fill the gaps.
 */

/** A level: `from` resampled to width×height. Level 0 is the decode itself. */
export interface LevelStep {
  kind: 'level';
  id: number;
  from: number;
  width: number;
  height: number;
  cost: number;
  priority: number;
}

export interface EncodeStep {
  kind: 'encode';
  job: EncodeJob;
  /** Level the job reads. */
  from: number;
  /** Region of that level, or null for all of it. */
  crop: Region | null;
  /** Sibling encode whose size this one starts from (size-model.ts), or null. */
  after: EncodeStep | null;
  cost: number;
  priority: number;
}

export type DeriveStep = LevelStep | EncodeStep;

export interface DerivePlan {
  /** Index = level id; levels[0] is the decode (from -1, cost 0). */
  levels: LevelStep[];
  encodes: EncodeStep[];
}

/** A level may have at most this share of its source's pixels (see above). */
const LEVEL_MAX_SHARE = 0.5;

// Rough CPU cost per megapixel on one core (ms, measured with sharp 0.35 / libvips 8.18); only the
// ranking of steps depends on them.
const RESIZE_IN_MS_PER_MP = 2.8;
const RESIZE_OUT_MS_PER_MP = 6;
const ENCODE_MS_PER_MP: Record<EncodeJob['format'], number> = { jpeg: 5.7, webp: 25, png: 12 };
const STEP_MS = 1;

function mp(width: number, height: number): number {
  return (width * height) / 1e6;
}

export function planDerivation(decoded: { width: number; height: number }, source: { width: number; height: number }, jobs: readonly EncodeJob[]): DerivePlan {
  const levels: LevelStep[] = [{ kind: 'level', id: 0, from: -1, width: decoded.width, height: decoded.height, cost: 0, priority: 0 }];
  const encodes: EncodeStep[] = [];
  const byDensity = [...jobs].sort((a, b) => b.geometry.density - a.geometry.density);
  // width of a whole-frame image dense enough for a job
  const needed = (job: EncodeJob) => Math.ceil(source.width * Math.min(1, job.geometry.density)) - 1;

  byDensity.forEach((job, i) => {
    const g = job.geometry;
    const src = levels.reduce((best, l) => (l.width >= needed(job) && l.width < best.width ? l : best), levels[0]);
    const wholeFrame = !g.crop && !g.canvas && g.width < src.width && g.height < src.height;
    const readers = byDensity.slice(i + 1).some((k) => needed(k) <= g.width);
    if (wholeFrame && readers && g.width * g.height <= LEVEL_MAX_SHARE * src.width * src.height) {
      const level: LevelStep = {
        kind: 'level',
        id: levels.length,
        from: src.id,
        width: g.width,
        height: g.height,
        cost: STEP_MS + RESIZE_IN_MS_PER_MP * mp(src.width, src.height) + RESIZE_OUT_MS_PER_MP * mp(g.width, g.height),
        priority: 0,
      };
      levels.push(level);
      encodes.push(encodeStep(job, level, null));
      return;
    }
    const crop = g.crop ? scaleRegion(g.crop, src.width / source.width, src.height / source.height, src) : null;
    encodes.push(encodeStep(job, src, crop));
  });

  // at-risk budgets start from the nearest-in-scale sibling that is not itself at risk
  const risky = new Set(encodes.filter((e) => budgetAtRisk(e.job)));
  for (const e of risky) {
    let best: EncodeStep | null = null;
    for (const s of encodes) {
      if (risky.has(s) || s.job.format !== e.job.format) continue;
      const d = (x: EncodeStep) => Math.abs(Math.log(x.job.geometry.density / e.job.geometry.density));
      if (!best || d(s) < d(best)) best = s;
    }
    e.after = best;
  }

  // priority = own cost + the costliest chain waiting on the step
  for (const e of risky) e.priority = e.cost;
  for (const e of encodes) {
    if (risky.has(e)) continue;
    const waiting = encodes.filter((w) => w.after === e).map((w) => w.priority);
    e.priority = e.cost + Math.max(0, ...waiting);
  }
  for (let id = levels.length - 1; id > 0; id--) {
    const level = levels[id];
    const readers = [...encodes.filter((e) => e.from === id).map((e) => e.priority), ...levels.filter((l) => l.from === id).map((l) => l.priority)];
    level.priority = level.cost + Math.max(0, ...readers);
  }
  return { levels, encodes };

  function encodeStep(job: EncodeJob, src: LevelStep, crop: Region | null): EncodeStep {
    const region = crop ?? { width: src.width, height: src.height };
    const resamples = region.width !== job.geometry.width || region.height !== job.geometry.height;
    const out = mp(job.geometry.width, job.geometry.height);
    const cost =
      STEP_MS + (resamples ? RESIZE_IN_MS_PER_MP * mp(region.width, region.height) + RESIZE_OUT_MS_PER_MP * out * 0.5 : 0) + ENCODE_MS_PER_MP[job.format] * out;
    return { kind: 'encode', job, from: src.id, crop, after: null, cost, priority: cost };
  }
}

/** A region of the source mapped onto an image of the source scaled by sx, sy. */
export function scaleRegion(r: Region, sx: number, sy: number, bounds: { width: number; height: number }): Region {
  const left = Math.min(bounds.width - 1, Math.round(r.left * sx));
  const top = Math.min(bounds.height - 1, Math.round(r.top * sy));
  return {
    left,
    top,
    width: Math.max(1, Math.min(bounds.width - left, Math.round(r.width * sx))),
    height: Math.max(1, Math.min(bounds.height - top, Math.round(r.height * sy))),
  };
}
