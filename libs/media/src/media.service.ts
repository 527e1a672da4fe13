import { availableParallelism } from 'node:os';
import { Inject, Injectable, Optional } from '@nestjs/common';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { CENTRE, Focus } from './aspect-crop';
import { DecodedImage, EncodeJob, EncodeOutcome, Rendition, encodeWithinBudget } from './budget-encoder';
import { CoverCrops, coverCrops } from './cover-crops';
import { DeriveStep, EncodeStep, LevelStep, planDerivation } from './derive-plan';
import { mediaErrors } from './media-errors';
import { ProfileId, RenditionProfile, resolveProfile } from './profiles';
import { RenditionGeometry, chooseFormat, planGeometry } from './rendition-plan';
import { SizeModel } from './size-model';
import { TitleCardOptions, renderTitleCard } from './title-card';
import { MAX_INPUT_PIXELS } from './media-limits';

export interface MediaServiceOptions {
  /** Decompression-bomb guard: images with more pixels than this are refused before decoding. */
  maxInputPixels?: number;
  maxInputBytes?: number;
}

export const MEDIA_SERVICE_OPTIONS = 'MEDIA_SERVICE_OPTIONS';

export type InputFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif';

export interface ImageProbe {
  format: InputFormat;
  mime: string;
  /** Displayed size, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  bytes: number;
  hasAlpha: boolean;
  /** Frames of an animated GIF/WebP; renditions use the first. */
  pages: number;
}

export interface RenderOptions {
  /** Point of interest (0..1) that cover crops stay centred on. */
  focus?: Focus;
  /** Called once per renderAll with what the work cost (benchmarks, slow-request logs). */
  onDiagnostics?: (d: RenderDiagnostics) => void;
}

/** What one renderAll did. Times are wall-clock ms from the start of the call. */
export interface RenderDiagnostics {
  decodeMs: number;
  totalMs: number;
  /** Encoder runs (a byte-budget retry counts); identical profiles share one. */
  encodes: number;
  /** Resamples into memory: levels, plus retries' resamples (encodes that resize do so in their own pipeline). */
  resizes: number;
  steps: { name: string; startMs: number; endMs: number; encodes?: number; quality?: number | null }[];
}

const ACCEPTED: readonly InputFormat[] = ['jpeg', 'png', 'gif', 'webp', 'tiff', 'avif'];
const MIME: Record<InputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
};

/** Formats sharp cannot (or must not) read, recognised by their magic bytes so the operator is told why. */
const KNOWN_UNSUPPORTED: { name: string; test: (b: Buffer) => boolean }[] = [
  { name: 'BMP', test: (b) => b.length > 14 && b.toString('latin1', 0, 2) === 'BM' },
  { name: 'PDF', test: (b) => b.toString('latin1', 0, 5) === '%PDF-' },
  { name: 'PSD', test: (b) => b.toString('latin1', 0, 4) === '8BPS' },
  { name: 'ICO', test: (b) => b.length > 6 && b.readUInt32BE(0) === 0x00000100 },
  {
    name: 'HEIC',
    test: (b) => b.toString('latin1', 4, 8) === 'ftyp' && /^(heic|heix|hevc|hevx|mif1|msf1)$/.test(b.toString('latin1', 8, 12)),
  },
  { name: 'SVG', test: (b) => /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/i.test(b.toString('utf8', 0, 256)) },
];

/**
 * Image renditions for the channels. Pure library: buffers in, buffers out, no I/O.
 *
 * Every rendition of a source comes from ONE decode, done at the largest size any requested profile
 * needs (JPEG shrink-on-load makes that decode cheaper still); the renditions are then derived from
 * the decoded pixels in parallel. Decoding fails on truncated or corrupt data (failOn: 'error') and
 * refuses images over the pixel limit before any pixel is decoded.
 */
@Injectable()
export class MediaService {
  static readonly DEFAULT_MAX_INPUT_PIXELS = MAX_INPUT_PIXELS;
  static readonly DEFAULT_MAX_INPUT_BYTES = 50_000_000;

  private readonly maxInputPixels: number;
  private readonly maxInputBytes: number;

  constructor(@Optional() @Inject(MEDIA_SERVICE_OPTIONS) options?: MediaServiceOptions) {
    this.maxInputPixels = options?.maxInputPixels ?? MediaService.DEFAULT_MAX_INPUT_PIXELS;
    this.maxInputBytes = options?.maxInputBytes ?? MediaService.DEFAULT_MAX_INPUT_BYTES;
  }

  /**
   * Format and displayed size of an upload, with the checks an upload must pass. `verify` (default on)
   * decodes the pixels once at a small size to catch truncated or corrupt files; renderAll does the
   * same check as part of its own single decode, so callers about to render can pass verify: false.
   */
  async probe(input: Buffer, opts: { verify?: boolean } = {}): Promise<ImageProbe> {
    const probe = await this.readHeader(input);
    if (opts.verify !== false) {
      await this.guard(
        sharp(input, this.inputOptions()).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer(),
      );
    }
    return probe;
  }

  /** One rendition per profile, keyed by profile id, from a single decode. */
  async renderAll(
    input: Buffer,
    profiles: readonly (RenditionProfile | ProfileId)[],
    opts: RenderOptions = {},
  ): Promise<Record<string, Rendition>> {
    const began = performance.now();
    const resolved = profiles.map(resolveProfile);
    if (resolved.length === 0) return {};
    const probe = await this.readHeader(input);
    const focus = opts.focus ?? CENTRE;
    const geometries = resolved.map((p) => planGeometry(p, probe.width, probe.height, focus));

    // the shared decode: as large as the most demanding profile needs, never larger than the source
    const density = Math.min(1, Math.max(...geometries.map((g) => g.density)));
    const width = Math.max(1, Math.min(probe.width, Math.ceil(probe.width * density)));
    const height = Math.max(1, Math.min(probe.height, Math.ceil(probe.height * density)));
    const decoded = await this.decode(input, width, height, probe);
    const decodeMs = performance.now() - began;
    const transparent = decoded.channels === 4 && !decoded.opaque;

    const jobs = new Map<string, EncodeJob>();
    const jobOf: EncodeJob[] = [];
    resolved.forEach((profile, i) => {
      const { format, keepAlpha } = chooseFormat(profile, transparent);
      const geometry = geometries[i];
      const job: EncodeJob = {
        profileIds: [profile.id],
        label: profile.label,
        format,
        keepAlpha,
        crop: null,
        geometry,
        maxBytes: profile.maxBytes,
        quality: profile.quality,
        minQuality: profile.minQuality,
        minLongSide: profile.minLongSide,
        background: profile.background,
      };
      // profiles that would produce the same file share one encode, under the tightest budget
      const key = JSON.stringify([format, keepAlpha, geometry, job.quality, job.minQuality, job.minLongSide, job.background]);
      const same = jobs.get(key);
      if (same) {
        same.profileIds.push(profile.id);
        same.maxBytes = Math.min(same.maxBytes, job.maxBytes);
        jobOf.push(same);
      } else {
        jobs.set(key, job);
        jobOf.push(job);
      }
    });

    const diagnostics: RenderDiagnostics | null = opts.onDiagnostics
      ? { decodeMs, totalMs: 0, encodes: 0, resizes: 0, steps: [] }
      : null;
    const encoded = await deriveAll(decoded, planDerivation(decoded, probe, [...jobs.values()]), diagnostics, began);
    const out: Record<string, Rendition> = {};
    resolved.forEach((profile, i) => {
      out[profile.id] = { profile: profile.id, ...encoded.get(jobOf[i])!.rendition };
    });
    if (diagnostics && opts.onDiagnostics) {
      diagnostics.totalMs = performance.now() - began;
      opts.onDiagnostics(diagnostics);
    }
    return out;
  }

  async render(input: Buffer, profile: RenditionProfile | ProfileId, opts: RenderOptions = {}): Promise<Rendition> {
    const p = resolveProfile(profile);
    return (await this.renderAll(input, [p], opts))[p.id];
  }

  /** WeChat's pic_crop_235_1 / pic_crop_1_1 for a cover of this size. */
  coverCrops(width: number, height: number, focus?: Focus): CoverCrops {
    return coverCrops(width, height, focus);
  }

  /** A JPEG cover with the title set in the bundled CJK font, for items that have no picture. */
  async titleCard(title: string, opts: TitleCardOptions = {}): Promise<Rendition> {
    const image = await renderTitleCard(title, opts);
    const geometry: RenditionGeometry = { crop: null, width: image.width, height: image.height, canvas: null, density: 1 };
    const { rendition } = await encodeWithinBudget(image, {
      profileIds: ['title-card'],
      label: '标题封面图',
      format: 'jpeg',
      keepAlpha: false,
      crop: null,
      geometry,
      maxBytes: opts.maxBytes ?? 64_000,
      quality: 88,
      minQuality: 50,
      minLongSide: 200,
      background: '#ffffff',
    });
    return { profile: 'title-card', ...rendition };
  }

  private inputOptions(): SharpOptions {
    return { failOn: 'error', limitInputPixels: this.maxInputPixels };
  }

  /** Header-only checks: size in bytes, format, pixel count. Nothing is decoded here. */
  private async readHeader(input: Buffer): Promise<ImageProbe> {
    if (!Buffer.isBuffer(input) || input.length === 0) throw mediaErrors.invalid('文件为空');
    if (input.length > this.maxInputBytes) throw mediaErrors.tooManyBytes(input.length, this.maxInputBytes);
    let meta: Metadata;
    try {
      // no pixel limit here: the header is read only so the limit can be reported with the real size
      meta = await sharp(input, { limitInputPixels: false }).metadata();
    } catch (err) {
      const known = KNOWN_UNSUPPORTED.find((k) => k.test(input));
      if (known) throw mediaErrors.unsupported(known.name, ACCEPTED);
      throw mediaErrors.invalid('文件不是图片或已损坏', String(err?.message ?? err));
    }
    const format = inputFormat(meta);
    if (!format) {
      const name = meta.format === 'heif' ? 'HEIC' : String(meta.format).toUpperCase();
      throw mediaErrors.unsupported(name, ACCEPTED);
    }
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!(width > 0 && height > 0)) throw mediaErrors.invalid('无法读取图片尺寸');
    if (width * height > this.maxInputPixels) throw mediaErrors.tooManyPixels(width, height, this.maxInputPixels);
    return {
      format,
      mime: MIME[format],
      width,
      height,
      bytes: input.length,
      hasAlpha: meta.hasAlpha,
      pages: meta.pages ?? 1,
    };
  }

  /** The single decode: orientation applied, scaled to width×height, 8-bit sRGB pixels in memory. */
  private async decode(input: Buffer, width: number, height: number, probe: ImageProbe): Promise<DecodedImage> {
    let img = sharp(input, this.inputOptions()).rotate();
    if (width !== probe.width || height !== probe.height) img = img.resize(width, height, { fit: 'fill' });
    const { data, info } = await this.guard(
      img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }),
    );
    const channels = info.channels === 4 ? 4 : 3;
    if (info.channels !== 3 && info.channels !== 4) {
      throw mediaErrors.invalid(`意外的通道数 ${info.channels}`);
    }
    return { data, width: info.width, height: info.height, channels, opaque: channels === 3 || alphaIsOpaque(data) };
  }

  /** Turns libvips' decode failures into MEDIA_* errors an operator can act on. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const message = String(err?.message ?? err);
      if (/pixel limit/i.test(message)) throw mediaErrors.invalid('图片像素超过上限', message);
      if (/premature|truncat|unexpected end|not enough|incomplete|out of data|read error|short read/i.test(message)) {
        throw mediaErrors.invalid('文件不完整（可能上传中断），请重新上传', message);
      }
      throw mediaErrors.invalid('图片数据已损坏，请重新导出后上传', message);
    }
  }
}

function inputFormat(meta: Metadata): InputFormat | null {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return meta.format;
    case 'heif':
      return meta.compression === 'av1' ? 'avif' : null;
    default:
      return null;
  }
}

/** Steps running at once: one per core (every step is a CPU-bound sharp pipeline). */
const LANES = Math.max(1, availableParallelism());

/**
 * Runs a derivation plan: a free lane takes the ready step with the highest priority (derive-plan.ts).
 * Encodes record their sizes in a per-picture size model; an encode that waits for a sibling starts
 * from the quality the model predicts for its budget. The first failure stops new steps; steps already
 * running finish before it is thrown, so nothing is left working on a request that has failed.
 */
function deriveAll(
  decoded: DecodedImage,
  plan: { levels: LevelStep[]; encodes: EncodeStep[] },
  diagnostics: RenderDiagnostics | null,
  began: number,
): Promise<Map<EncodeJob, EncodeOutcome>> {
  const images: (DecodedImage | undefined)[] = [decoded];
  const settled = new Set<EncodeStep>();
  const results = new Map<EncodeJob, EncodeOutcome>();
  const model = new SizeModel();
  const waiting: DeriveStep[] = [...plan.levels.slice(1), ...plan.encodes];
  let running = 0;
  let failure: { error: unknown } | null = null;

  const ready = (s: DeriveStep) => images[s.from] !== undefined && (s.kind === 'level' || !s.after || settled.has(s.after));

  const runLevel = async (level: LevelStep) => {
    images[level.id] = await resizeRaw(images[level.from]!, level.width, level.height);
    if (diagnostics) diagnostics.resizes++;
  };
  const runEncode = async (step: EncodeStep) => {
    const { job } = step;
    try {
      const outcome = await encodeWithinBudget(images[step.from]!, { ...job, crop: step.crop }, model.start(job) ?? undefined);
      const r = outcome.rendition;
      results.set(job, outcome);
      if (r.quality !== null && !job.geometry.canvas) {
        const shrink = r.width / job.geometry.width;
        model.record({
          format: r.format,
          density: job.geometry.density * shrink,
          pixels: r.width * r.height,
          quality: r.quality,
          optimise: outcome.optimise,
          bytes: r.bytes,
        });
      }
      if (diagnostics) {
        diagnostics.encodes += outcome.encodes;
        diagnostics.resizes += outcome.resizes;
      }
    } finally {
      settled.add(step);
    }
  };

  return new Promise((resolve, reject) => {
    const pump = () => {
      while (!failure && running < LANES) {
        let next = -1;
        for (let i = 0; i < waiting.length; i++) {
          if (ready(waiting[i]) && (next < 0 || waiting[i].priority > waiting[next].priority)) next = i;
        }
        if (next < 0) break;
        const [step] = waiting.splice(next, 1);
        running++;
        const startMs = performance.now() - began;
        const work = step.kind === 'level' ? runLevel(step) : runEncode(step);
        work.then(
          () => {
            if (diagnostics) {
              const name =
                step.kind === 'level'
                  ? `resize ${images[step.from]!.width}→${step.width}`
                  : `encode ${step.job.profileIds.join('+')}`;
              const outcome = step.kind === 'encode' ? results.get(step.job) : undefined;
              diagnostics.steps.push({
                name,
                startMs,
                endMs: performance.now() - began,
                ...(outcome ? { encodes: outcome.encodes, quality: outcome.rendition.quality } : {}),
              });
            }
            running--;
            pump();
          },
          (error: unknown) => {
            failure ??= { error };
            running--;
            pump();
          },
        );
      }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (waiting.length > 0) reject(new Error(`derivation stalled with ${waiting.length} steps left`));
      else resolve(results);
    };
    pump();
  });
}

async function resizeRaw(src: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  const { data, info } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: src.channels, opaque: src.opaque };
}

function alphaIsOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}
