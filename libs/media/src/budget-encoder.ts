import sharp from 'sharp';
import { Region, clamp } from './aspect-crop';
import { mediaErrors } from './media-errors';
import { OutputFormat } from './profiles';
import { RenditionGeometry } from './rendition-plan';

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

/**
 * Encodes a job, reducing quality stepwise and then dimensions until the file fits its byte budget.
 * Huffman-table optimisation is off on the first try (it doubles JPEG encode time for ~3% of bytes) and
 * switched on as soon as the budget is tight.
 */
export async function encodeWithinBudget(src: DecodedImage, job: EncodeJob): Promise<Omit<Rendition, 'profile'>> {
  const lossy = job.format !== 'png';
  let quality = job.quality;
  let scale = 1;
  let optimise = false;
  let palette = false;
  let last = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const width = Math.max(1, Math.round(job.geometry.width * scale));
    const height = Math.max(1, Math.round(job.geometry.height * scale));
    const canvas = job.geometry.canvas;
    const buffer = await encodeOnce(src, job, width, height, { quality, optimise, palette });
    if (buffer.length <= job.maxBytes) {
      return {
        buffer,
        format: job.format,
        mime: MIME[job.format],
        width: canvas ? canvas.width : width,
        height: canvas ? canvas.height : height,
        bytes: buffer.length,
        quality: lossy || palette ? quality : null,
      };
    }
    last = buffer.length;
    const over = buffer.length / job.maxBytes;
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

async function encodeOnce(
  src: DecodedImage,
  job: EncodeJob,
  width: number,
  height: number,
  o: { quality: number; optimise: boolean; palette: boolean },
): Promise<Buffer> {
  let img = sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } });
  const region = job.crop ?? { left: 0, top: 0, width: src.width, height: src.height };
  if (job.crop) img = img.extract(job.crop);
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
  switch (job.format) {
    case 'jpeg':
      return img
        .jpeg({ quality: o.quality, optimiseCoding: o.optimise, chromaSubsampling: o.quality >= 90 ? '4:4:4' : '4:2:0' })
        .toBuffer();
    case 'webp':
      return img.webp({ quality: o.quality, alphaQuality: 90, effort: 3 }).toBuffer();
    case 'png':
      return img.png(o.palette ? { palette: true, quality: o.quality, effort: 7 } : { compressionLevel: 6 }).toBuffer();
  }
}
