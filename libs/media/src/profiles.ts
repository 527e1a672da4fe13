import { AppError } from '@app/common/errors/app-error';

/**
 * Channel image profiles as data. Adapters pick profiles by id (or build an LED one for a screen) and
 * hand them to MediaService.renderAll; nothing else in the library knows a channel's name.
 *
 * Byte limits are set below the platforms' stated limits on purpose ("1 MB" is 1,000,000 here, not
 * 1,048,576): a file a few bytes over a vendor's idea of a megabyte fails the whole delivery.
 */
export type OutputFormat = 'jpeg' | 'png' | 'webp';

export interface RenditionProfile {
  readonly id: string;
  /** Operator-facing name (Chinese), used in error messages. */
  readonly label: string;
  /** What the outside system accepts (for adapters' capability declarations). */
  readonly accepts: readonly string[];
  /**
   * Formats we produce, in order of preference. Opaque images take the first lossy format (jpeg/webp);
   * images with real transparency take the first format that keeps alpha (png/webp), or are flattened
   * onto `background` when the profile has none.
   */
  readonly formats: readonly OutputFormat[];
  /** Inclusive upper bound on the encoded file. */
  readonly maxBytes: number;
  readonly maxWidth: number;
  readonly maxHeight: number;
  /**
   * inside: shrink to fit within max dimensions keeping the aspect ratio;
   * cover: crop to the aspect of maxWidth:maxHeight (around the focus), then shrink to fit;
   * contain: scale to fit and letterbox to exactly maxWidth×maxHeight (LED screens).
   */
  readonly fit: 'inside' | 'cover' | 'contain';
  /** Allow scaling small images up (only sensible for fixed-size outputs like LED screens). */
  readonly enlarge: boolean;
  /** Lossy quality to start from, and the floor before dimensions are reduced instead. */
  readonly quality: number;
  readonly minQuality: number;
  /** The budget loop gives up (MEDIA_BUDGET_UNREACHABLE) rather than go below this long side. */
  readonly minLongSide: number;
  /** Transparent pictures stay transparent (in png/webp) instead of being flattened onto `background`. */
  readonly keepsTransparency: boolean;
  /** Flattening and letterbox colour. */
  readonly background: string;
}

export type ProfileId = 'wechat-body' | 'wechat-thumb' | 'wechat-cover-image' | 'weibo-pic' | 'portal' | 'portal-thumb';

const defaults = { enlarge: false, background: '#ffffff', minLongSide: 320, keepsTransparency: true } as const;

export const MEDIA_PROFILES: Readonly<Record<ProfileId, RenditionProfile>> = {
  /** uploadimg: JPG/PNG under 1 MB; the article column is at most 1080 physical px wide. */
  'wechat-body': {
    ...defaults,
    id: 'wechat-body',
    label: '微信正文图片',
    accepts: ['jpeg', 'png'],
    formats: ['jpeg', 'png'],
    maxBytes: 1_000_000,
    maxWidth: 1080,
    // long infographics are common in articles; only the width matters for display
    maxHeight: 10_000,
    fit: 'inside',
    quality: 85,
    minQuality: 50,
  },
  /** add_material?type=thumb: JPG only, 64 KB at most; 900×383 is the 2.35:1 header size. */
  'wechat-thumb': {
    ...defaults,
    id: 'wechat-thumb',
    label: '微信封面缩略图',
    accepts: ['jpeg'],
    formats: ['jpeg'],
    maxBytes: 64_000,
    maxWidth: 900,
    maxHeight: 383,
    fit: 'cover',
    quality: 80,
    minQuality: 35,
    minLongSide: 300,
    keepsTransparency: false,
  },
  /** add_material?type=image: up to 10 MB; a cover is never shown wider than the article column. */
  'wechat-cover-image': {
    ...defaults,
    id: 'wechat-cover-image',
    label: '微信封面图片',
    accepts: ['bmp', 'png', 'jpeg', 'gif'],
    formats: ['jpeg', 'png'],
    maxBytes: 10_000_000,
    maxWidth: 1080,
    maxHeight: 10_000,
    fit: 'inside',
    quality: 85,
    minQuality: 50,
  },
  /** statuses/share pic: JPEG/GIF/PNG under 5 MB; Weibo's large size is 2048 px. */
  'weibo-pic': {
    ...defaults,
    id: 'weibo-pic',
    label: '微博配图',
    accepts: ['jpeg', 'png', 'gif'],
    formats: ['jpeg', 'png'],
    maxBytes: 5_000_000,
    maxWidth: 2048,
    maxHeight: 2048,
    fit: 'inside',
    quality: 85,
    minQuality: 50,
  },
  /** Our own portal pages: JPEG by default (WebP costs several times the CPU per image). */
  portal: {
    ...defaults,
    id: 'portal',
    label: '门户网站图片',
    accepts: ['jpeg', 'webp', 'png'],
    formats: ['jpeg', 'webp'],
    maxBytes: 800_000,
    maxWidth: 1600,
    maxHeight: 1600,
    fit: 'inside',
    quality: 82,
    minQuality: 50,
  },
  /** List-page thumbnail on the portal, fixed 4:3. */
  'portal-thumb': {
    ...defaults,
    id: 'portal-thumb',
    label: '门户网站缩略图',
    accepts: ['jpeg', 'webp', 'png'],
    formats: ['jpeg', 'webp'],
    maxBytes: 80_000,
    maxWidth: 400,
    maxHeight: 300,
    fit: 'cover',
    quality: 78,
    minQuality: 45,
    minLongSide: 200,
  },
};

export interface ScreenSize {
  width: number;
  height: number;
}

/** An image shown full-screen on an LED screen: exactly the screen's pixels, letterboxed in black. */
export function ledImageProfile(screen: ScreenSize): RenditionProfile {
  return {
    id: `led-${screen.width}x${screen.height}`,
    label: `LED 屏幕图片（${screen.width}×${screen.height}）`,
    accepts: ['png', 'jpeg', 'bmp'],
    formats: ['png'],
    maxBytes: 1_000_000,
    maxWidth: screen.width,
    maxHeight: screen.height,
    fit: 'contain',
    enlarge: true,
    quality: 100,
    minQuality: 100,
    minLongSide: Math.max(screen.width, screen.height),
    keepsTransparency: false,
    background: '#000000',
  };
}

export function resolveProfile(p: RenditionProfile | ProfileId): RenditionProfile {
  if (typeof p !== 'string') return p;
  const hit = (MEDIA_PROFILES as Record<string, RenditionProfile>)[p];
  if (!hit) {
    throw AppError.badRequest('MEDIA_PROFILE_UNKNOWN', `未知的图片规格：${p}`, [{ field: 'profile', reason: 'unknown' }]);
  }
  return hit;
}
