import type { EncodeJob, EncodeStart } from './budget-encoder';

/**
 * Predicts how big a JPEG rendition will be from a sibling rendition of the same picture that has
 * already been encoded, so a byte-budgeted job (the 64 KB WeChat thumb) can start at a quality that
 * fits instead of encoding once at its profile quality only to find the file twice too big.
 *
 * Model, fitted on the bench photos and a smooth synthetic picture (libs/media/README.md):
 * - bytes per pixel at a given quality come from the sibling nearest in scale (output pixels per source
 *   pixel), rising slightly as the picture is reduced more (more detail lands in each output pixel);
 * - across qualities, size goes as the quantiser scale to the power -0.65. libjpeg scales its tables by
 *   5000/q below quality 50 and by 200-2q from 50 up; on photographs bytes ∝ scale^-0.55..-0.7 between
 *   quality 35 and 85 (the flat 2 %/point step the budget loop uses is too steep near 85 and too
 *   shallow near 50).
 * The prediction aims a little under the budget. If it is wrong the budget loop carries on from the
 * predicted start as it always has, so budgets are met either way; a prediction that is too high costs
 * one more encode, one that is too low a few quality points.
 */

/** Size exponent on the quantiser scale (bytes ∝ scale^-ALPHA). */
const ALPHA = 0.65;
/**
 * Raising a too-cautious start uses the steepest exponent seen on photographs (0.7-0.8 on very busy
 * ones), so the raised file does not overshoot the budget and waste the extra encode.
 */
const RAISE_ALPHA = 0.8;
/** Bytes per pixel grow as (sibling scale / job scale)^DETAIL_EXPONENT. */
const DETAIL_EXPONENT = 0.3;
/** Huffman optimisation saves 4-10 % on photographs; count on 5 %. */
const OPTIMISED = 0.95;
/** Aim this far under the budget when the prediction sets the quality. */
const AIM = 0.95;
/** A prediction within this fraction of the budget is not worth acting on: start as usual. */
const FITS = 0.97;
/**
 * A busy photograph at quality 85, 4:2:0, no Huffman optimisation: ~0.4 bytes per pixel (the bench's
 * noisy 12 MP photos take 0.39 at 1080 px). A job whose budget this would break is "at risk" and waits for
 * a sibling's real figure before it starts.
 */
const BUSY_BYTES_PER_PIXEL_Q85 = 0.4;

export interface SizeSample {
  format: EncodeJob['format'];
  /** Output pixels per source pixel (linear), i.e. the job's geometry.density. */
  density: number;
  pixels: number;
  quality: number;
  optimise: boolean;
  bytes: number;
}

/** libjpeg's quality → quantisation-table scale (percent). */
export function quantiserScale(quality: number): number {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  return Math.max(1, q < 50 ? 5000 / q : 200 - 2 * q);
}

/** Expected bytes of a JPEG at quality `to` given its bytes at quality `from` (same pixels, same coding). */
export function bytesAtQuality(bytes: number, from: number, to: number, alpha = ALPHA): number {
  return bytes * Math.pow(quantiserScale(to) / quantiserScale(from), -alpha);
}

/**
 * Highest quality in (from, max] at which a file of `bytes` at quality `from` is expected to stay a
 * little under `budget` (estimated steeply, see RAISE_ALPHA); `from` when none is.
 */
export function qualityForBudget(bytes: number, from: number, max: number, budget: number): number {
  for (let q = max; q > from; q--) if (bytesAtQuality(bytes, from, q, RAISE_ALPHA) <= budget * AIM) return q;
  return from;
}

function pixelsOf(job: EncodeJob): number {
  return job.geometry.width * job.geometry.height;
}

/**
 * True when a busy photograph would not fit the job's budget at its starting quality: such a job is
 * worth starting from a sibling's measured size rather than from the profile quality. JPEG only (the
 * model is libjpeg's quality scale).
 */
export function budgetAtRisk(job: EncodeJob): boolean {
  if (job.format !== 'jpeg') return false;
  const busy = BUSY_BYTES_PER_PIXEL_Q85 * pixelsOf(job);
  return bytesAtQuality(busy, 85, job.quality) > job.maxBytes;
}

/** Sizes of the renditions of one picture encoded so far, and predictions from them. */
export class SizeModel {
  private readonly samples: SizeSample[] = [];

  record(sample: SizeSample): void {
    if (sample.pixels > 0 && sample.bytes > 0 && sample.density > 0) this.samples.push(sample);
  }

  /** Predicted bytes of `job` at `quality` without Huffman optimisation, or null without a usable sample. */
  predict(job: EncodeJob, quality: number): number | null {
    const density = job.geometry.density;
    if (job.format !== 'jpeg' || !(density > 0)) return null;
    let best: SizeSample | null = null;
    for (const s of this.samples) {
      if (s.format !== 'jpeg') continue;
      if (!best || Math.abs(Math.log(s.density / density)) < Math.abs(Math.log(best.density / density))) best = s;
    }
    if (!best) return null;
    const perPixel = best.bytes / (best.optimise ? OPTIMISED : 1) / best.pixels;
    const detail = Math.pow(best.density / density, DETAIL_EXPONENT);
    return bytesAtQuality(perPixel * detail * pixelsOf(job), best.quality, quality);
  }

  /**
   * Where the budget loop should start for `job`: null (the usual start) when no sibling has been
   * measured or the profile quality is predicted to fit; otherwise the highest quality predicted to land
   * a little under the budget, with Huffman optimisation on (the budget is tight, so bytes matter more
   * than the encoder's time).
   */
  start(job: EncodeJob): EncodeStart | null {
    const atProfile = this.predict(job, job.quality);
    if (atProfile === null || atProfile <= job.maxBytes * FITS) return null;
    for (let q = job.quality; q > job.minQuality; q--) {
      if ((this.predict(job, q) as number) * OPTIMISED <= job.maxBytes * AIM) return { quality: q, optimise: true };
    }
    return { quality: job.minQuality, optimise: true };
  }
}
