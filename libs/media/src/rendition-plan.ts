import { CENTRE, Focus, Region, aspectCrop } from './aspect-crop';
import { OutputFormat, RenditionProfile } from './profiles';

/**
 * What one profile needs from the source, worked out before anything is decoded, so the decoder can
 * run once at the largest size any profile needs. Coordinates are in the oriented source's pixels.
 */
export interface RenditionGeometry {
  /** Region of the source the rendition shows; null = the whole image. */
  crop: Region | null;
  /** Size of the picture itself (before letterboxing). */
  width: number;
  height: number;
  /** contain profiles: the exact output size the picture is letterboxed into. */
  canvas: { width: number; height: number } | null;
  /** Output pixels per source pixel; what the shared decode must provide (capped at 1 by the caller). */
  density: number;
}

export function planGeometry(profile: RenditionProfile, srcWidth: number, srcHeight: number, focus: Focus = CENTRE): RenditionGeometry {
  const limit = (s: number) => (profile.enlarge ? s : Math.min(1, s));
  if (profile.fit === 'cover') {
    const crop = aspectCrop(srcWidth, srcHeight, profile.maxWidth / profile.maxHeight, focus);
    const s = limit(Math.min(profile.maxWidth / crop.width, profile.maxHeight / crop.height));
    const whole = crop.width === srcWidth && crop.height === srcHeight;
    // a crop at least as large as the target yields exactly the target size (no off-by-one from rounding)
    const big = crop.width >= profile.maxWidth && crop.height >= profile.maxHeight;
    return {
      crop: whole ? null : crop,
      width: big ? profile.maxWidth : Math.max(1, Math.round(crop.width * s)),
      height: big ? profile.maxHeight : Math.max(1, Math.round(crop.height * s)),
      canvas: null,
      density: s,
    };
  }
  const s = limit(Math.min(profile.maxWidth / srcWidth, profile.maxHeight / srcHeight));
  const width = Math.min(profile.maxWidth, Math.max(1, Math.round(srcWidth * s)));
  const height = Math.min(profile.maxHeight, Math.max(1, Math.round(srcHeight * s)));
  return {
    crop: null,
    width,
    height,
    canvas: profile.fit === 'contain' ? { width: profile.maxWidth, height: profile.maxHeight } : null,
    density: s,
  };
}

/** Transparent pictures keep alpha where the profile has a format for it; everything else goes lossy. */
export function chooseFormat(profile: RenditionProfile, transparent: boolean): { format: OutputFormat; keepAlpha: boolean } {
  if (transparent && profile.keepsTransparency) {
    const withAlpha = profile.formats.find((f) => f === 'png' || f === 'webp');
    if (withAlpha) return { format: withAlpha, keepAlpha: true };
  }
  const lossy = profile.formats.find((f) => f === 'jpeg' || f === 'webp');
  return { format: lossy ?? profile.formats[0], keepAlpha: false };
}
