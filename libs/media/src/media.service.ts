import { Inject, Injectable, Optional } from '@nestjs/common';
import { CENTRE, Focus } from './aspect-crop';
import { EncodeJob, Rendition, encodeWithinBudget } from './budget-encoder';
import { CoverCrops, coverCrops } from './cover-crops';
import { deriveAll } from './derive-runner';
import { planDerivation } from './derive-plan';
import { decodeImage, readImageHeader, verifyPixels } from './image-input';
import { MAX_INPUT_PIXELS } from './media-limits';
import { ImageProbe, MEDIA_SERVICE_OPTIONS, MediaServiceOptions, RenderDiagnostics, RenderOptions } from './media.types';
import { ProfileId, RenditionProfile, resolveProfile } from './profiles';
import { RenditionGeometry, chooseFormat, planGeometry } from './rendition-plan';
import { TitleCardOptions, renderTitleCard } from './title-card';

export { MEDIA_SERVICE_OPTIONS } from './media.types';
export type { ImageProbe, InputFormat, MediaServiceOptions, RenderDiagnostics, RenderOptions } from './media.types';

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
    const probe = await readImageHeader(input, { maxInputPixels: this.maxInputPixels, maxInputBytes: this.maxInputBytes });
    if (opts.verify !== false) await verifyPixels(input, this.maxInputPixels);
    return probe;
  }

  /** One rendition per profile, keyed by profile id, from a single decode. */
  async renderAll(input: Buffer, profiles: readonly (RenditionProfile | ProfileId)[], opts: RenderOptions = {}): Promise<Record<string, Rendition>> {
    const began = performance.now();
    const resolved = profiles.map(resolveProfile);
    if (resolved.length === 0) return {};
    const probe = await readImageHeader(input, { maxInputPixels: this.maxInputPixels, maxInputBytes: this.maxInputBytes });
    const focus = opts.focus ?? CENTRE;
    const geometries = resolved.map((p) => planGeometry(p, probe.width, probe.height, focus));

    // the shared decode: as large as the most demanding profile needs, never larger than the source
    const density = Math.min(1, Math.max(...geometries.map((g) => g.density)));
    const width = Math.max(1, Math.min(probe.width, Math.ceil(probe.width * density)));
    const height = Math.max(1, Math.min(probe.height, Math.ceil(probe.height * density)));
    const decoded = await decodeImage(input, width, height, probe, this.maxInputPixels);
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

    const diagnostics: RenderDiagnostics | null = opts.onDiagnostics ? { decodeMs, totalMs: 0, encodes: 0, resizes: 0, steps: [] } : null;
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
}
