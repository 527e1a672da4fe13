import sharp, { type Sharp } from 'sharp';
import { Region, clamp } from './aspect-crop';
import { mediaErrors } from './media-errors';
import { OutputFormat } from './profiles';
import { RenditionGeometry } from './rendition-plan';
import { qualityForBudget } from './size-model';

/** The one decoded copy of a source image every rendition is derived from. 8-bit sRGB, 3 or 4 bands. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** 4 bands but every alpha value is 255: treated as opaque. */
  opaque: boolean;
}

export interface Rendition {
  profile: string;
  buffer: Buffer;
  format: OutputFormat;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** Lossy (or palette) quality the budget loop settled on. */
  quality: number | null;
}

/** One encode job: a geometry mapped onto the decoded image, a format, and the budget to meet. */
export interface EncodeJob {
  /** Profiles served by this one encode (identical jobs are shared). */
  profileIds: string[];
  label: string;
  format: OutputFormat;
  keepAlpha: boolean;
  /** Region of the decoded image, or null for all of it. */
  crop: Region | null;
  geometry: RenditionGeometry;
  maxBytes: number;
  quality: number;
  minQuality: number;
  minLongSide: number;
  background: string;
}

const MIME: Record<OutputFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

// JPEG size falls by roughly 2% per quality point on photographs; used to size quality steps.
const BYTES_PER_QUALITY_POINT = 0.02;
const MAX_ATTEMPTS = 16;

/** Where the budget loop starts: the profile's quality without Huffman optimisation unless told otherwise. */
export interface EncodeStart {
  quality: number;
  optimise: boolean;
}

/**
 * A predicted start that lands below this share of the budget was too cautious (the picture is simpler
 * than its sibling suggested): the job is encoded once more at the quality its own size points to.
 */
const TOO_CAUTIOUS = 0.75;

/** A finished rendition, with what it cost (for the size model and the bench's figures). */
export interface EncodeOutcome {
  rendition: Omit<Rendition, 'profile'>;
  /** Encoder runs, accepted one included: 1 when the first try fits. */
  encodes: number;
  /** Resamples to raw pixels done for retries (the first try resizes inside its encode pipeline). */
  resizes: number;
  /** Huffman optimisation was on for the accepted file. */
  optimise: boolean;
}

/**
 * Encodes a job, reducing quality stepwise and then dimensions until the file fits its byte budget.
 * Huffman-table optimisation is off on the first try (it doubles JPEG encode time for ~3% of bytes) and
 * switched on as soon as the budget is tight. `start` lets a caller that has measured a sibling encode
 * of the same picture begin at a predicted quality instead (see size-model.ts); the loop after it is the
 * same, so a wrong prediction costs time, never the budget.
 *
 * The first try crops and resizes inside its encode pipeline. A retry would repeat that resample, so on
 * the first miss the job's pixels are resampled once into memory and every later try encodes from them.
 */
export async function encodeWithinBudget(src: DecodedImage, job: EncodeJob, start?: EncodeStart): Promise<EncodeOutcome> {
  const lossy = job.format !== 'png';
  let quality = start?.quality ?? job.quality;
  let scale = 1;
  let optimise = start?.optimise ?? false;
  let palette = false;
  let last = 0;
  let source = src;
  let crop = job.crop;
  let resizes = 0;
  const canvas = job.geometry.canvas;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const width = Math.max(1, Math.round(job.geometry.width * scale));
    const height = Math.max(1, Math.round(job.geometry.height * scale));
    let buffer = await encodeOnce(source, job, crop, width, height, { quality, optimise, palette });
    let encodes = attempt + 1;
    if (buffer.length <= job.maxBytes) {
      if (attempt === 0 && start && lossy && quality < job.quality && buffer.length < job.maxBytes * TOO_CAUTIOUS) {
        const better = qualityForBudget(buffer.length, quality, job.quality, job.maxBytes);
        if (better > quality) {
          const again = await encodeOnce(source, job, crop, width, height, { quality: better, optimise, palette });
          encodes++;
          if (again.length <= job.maxBytes) {
            buffer = again;
            quality = better;
          }
        }
      }
      return {
        rendition: {
          buffer,
          format: job.format,
          mime: MIME[job.format],
          width: canvas ? canvas.width : width,
          height: canvas ? canvas.height : height,
          bytes: buffer.length,
          quality: lossy || palette ? quality : null,
        },
        encodes,
        resizes,
        optimise,
      };
    }
    last = buffer.length;
    const over = buffer.length / job.maxBytes;
    if (source === src && (crop || width !== src.width || height !== src.height)) {
      // another try is coming: resample once instead of once per try
      source = await resampleRaw(src, crop, job.geometry.width, job.geometry.height);
      crop = null;
      resizes++;
    }
    if (job.format === 'jpeg' && !optimise) {
      optimise = true;
      if (over < 1.08) continue;
    }
    if (!lossy && !palette) {
      palette = true;
      quality = 90;
      continue;
    }
    if (lossy && quality > job.minQuality) {
      const step = Math.max(5, Math.ceil(Math.log(over) / BYTES_PER_QUALITY_POINT));
      quality = Math.max(job.minQuality, quality - step);
      continue;
    }
    if (canvas) break; // fixed-size output: dimensions are not ours to reduce
    // at the quality floor: bytes go roughly with pixel count
    scale *= clamp(Math.sqrt(1 / over) * 0.95, 0.5, 0.9);
    if (Math.max(job.geometry.width, job.geometry.height) * scale < job.minLongSide) break;
  }
  throw mediaErrors.budgetUnreachable(job.label, last, job.maxBytes);
}

/** The job's region of `src`, resampled to width×height, as raw pixels (alpha untouched). */
async function resampleRaw(src: DecodedImage, crop: Region | null, width: number, height: number): Promise<DecodedImage> {
  let img = sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } });
  const region = crop ?? { left: 0, top: 0, width: src.width, height: src.height };
  if (crop) img = img.extract(crop);
  if (region.width !== width || region.height !== height) img = img.resize(width, height, { fit: 'fill' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: src.channels, opaque: src.opaque };
}

async function encodeOnce(
  src: DecodedImage,
  job: EncodeJob,
  crop: Region | null,
  width: number,
  height: number,
  o: { quality: number; optimise: boolean; palette: boolean },
): Promise<Buffer> {
  let img = sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } });
  const region = crop ?? { left: 0, top: 0, width: src.width, height: src.height };
  if (crop) img = img.extract(crop);
  if (region.width !== width || region.height !== height) img = img.resize(width, height, { fit: 'fill' });
  if (src.channels === 4) {
    if (src.opaque) img = img.removeAlpha();
    else if (!job.keepAlpha) img = img.flatten({ background: job.background });
  }
  const canvas = job.geometry.canvas;
  if (canvas) {
    const left = Math.floor((canvas.width - width) / 2);
    const top = Math.floor((canvas.height - height) / 2);
    img = img.extend({
      left,
      top,
      right: canvas.width - width - left,
      bottom: canvas.height - height - top,
      background: job.background,
    });
  }
  return encodeAs(img, job.format, o);
}

/** The encoder settings of every rendition (also timed by bench:media's floor). */
export function encodeAs(img: Sharp, format: OutputFormat, o: { quality: number; optimise: boolean; palette: boolean }): Promise<Buffer> {
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality: o.quality, optimiseCoding: o.optimise, chromaSubsampling: o.quality >= 90 ? '4:4:4' : '4:2:0' }).toBuffer();
    case 'webp':
      return img.webp({ quality: o.quality, alphaQuality: 90, effort: 3 }).toBuffer();
    case 'png':
      return img.png(o.palette ? { palette: true, quality: o.quality, effort: 7 } : { compressionLevel: 6 }).toBuffer();
  }
}
