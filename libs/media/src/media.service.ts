import { Inject, Injectable, Optional } from '@nestjs/common';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { CENTRE, Focus, Region } from './aspect-crop';
import { DecodedImage, EncodeJob, Rendition, encodeWithinBudget } from './budget-encoder';
import { CoverCrops, coverCrops } from './cover-crops';
import { mediaErrors } from './media-errors';
import { ProfileId, RenditionProfile, resolveProfile } from './profiles';
import { RenditionGeometry, chooseFormat, planGeometry } from './rendition-plan';
import { TitleCardOptions, renderTitleCard } from './title-card';

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
  static readonly DEFAULT_MAX_INPUT_PIXELS = 50_000_000;
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

    const encoded = await this.deriveAll(decoded, probe, [...jobs.values()]);
    const out: Record<string, Rendition> = {};
    resolved.forEach((profile, i) => {
      out[profile.id] = { profile: profile.id, ...encoded.get(jobOf[i])! };
    });
    return out;
  }

  /**
   * Derives every job from the decoded pixels, largest first. A whole-frame rendition smaller than its
   * source (e.g. 1600 px from the 2048 px decode) is resized once into memory and then serves as the
   * source of every smaller one, so small renditions resample a 1080 px image rather than the full
   * decode. Resizes form a short chain; the encodes all run in parallel.
   */
  private async deriveAll(
    decoded: DecodedImage,
    probe: ImageProbe,
    jobs: EncodeJob[],
  ): Promise<Map<EncodeJob, Omit<Rendition, 'profile'>>> {
    const levels: DecodedImage[] = [decoded];
    const pending: Promise<[EncodeJob, Omit<Rendition, 'profile'>]>[] = [];
    const start = (source: DecodedImage, job: EncodeJob, crop: Region | null = null) => {
      const work = encodeWithinBudget(source, { ...job, crop }).then((r): [EncodeJob, Omit<Rendition, 'profile'>] => [job, r]);
      // observed now, so a failure while a later resize is still awaited is not an unhandled rejection;
      // Promise.all below still sees it
      work.catch(() => undefined);
      pending.push(work);
    };
    const byDensity = [...jobs].sort((a, b) => b.geometry.density - a.geometry.density);
    for (const job of byDensity) {
      const g = job.geometry;
      // width of a whole-frame image dense enough for this job; use the smallest such level
      const needed = Math.ceil(probe.width * Math.min(1, g.density)) - 1;
      const source = levels.reduce((best, l) => (l.width >= needed && l.width < best.width ? l : best), decoded);
      if (!g.crop && !g.canvas && g.width < source.width && g.height < source.height) {
        const level = await resizeRaw(source, g.width, g.height);
        levels.push(level);
        start(level, job);
      } else {
        const crop = g.crop ? scaleRegion(g.crop, source.width / probe.width, source.height / probe.height, source) : null;
        start(source, job, crop);
      }
    }
    return new Map(await Promise.all(pending));
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
    const r = await encodeWithinBudget(image, {
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
    return { profile: 'title-card', ...r };
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

async function resizeRaw(src: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  const { data, info } = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: src.channels } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: src.channels, opaque: src.opaque };
}

function scaleRegion(r: Region, sx: number, sy: number, bounds: { width: number; height: number }): Region {
  const left = Math.min(bounds.width - 1, Math.round(r.left * sx));
  const top = Math.min(bounds.height - 1, Math.round(r.top * sy));
  return {
    left,
    top,
    width: Math.max(1, Math.min(bounds.width - left, Math.round(r.width * sx))),
    height: Math.max(1, Math.min(bounds.height - top, Math.round(r.height * sy))),
  };
}

function alphaIsOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}
