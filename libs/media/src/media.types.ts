import type { Focus } from './aspect-crop';

// The media service's options, what it reports about an upload and about a renderAll (media.service.ts).

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
