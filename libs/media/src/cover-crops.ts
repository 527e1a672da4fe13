import { AppError } from '@app/common/errors/app-error';
import { CENTRE, Focus, clamp, clamp01 } from './aspect-crop';

/** WeChat draft fields: how the cover is cropped for the 2.35:1 header and the 1:1 card. */
export interface CoverCrops {
  pic_crop_235_1: string;
  pic_crop_1_1: string;
}

/**
 * Largest 2.35:1 and 1:1 crops of a width×height cover, centred on the focus (default: the centre),
 * as WeChat's `X1_Y1_X2_Y2`: normalised 0..1, at most 6 decimals. Computed in normalised space so the
 * crop keeps its exact aspect instead of inheriting pixel rounding.
 */
export function coverCrops(width: number, height: number, focus: Focus = CENTRE): CoverCrops {
  if (!(width > 0 && height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw AppError.badRequest('MEDIA_INVALID', `封面尺寸无效：${width}×${height}`, [{ field: 'cover', reason: 'width and height must be positive' }]);
  }
  return {
    pic_crop_235_1: crop(width, height, 2.35, focus),
    pic_crop_1_1: crop(width, height, 1, focus),
  };
}

function crop(width: number, height: number, aspect: number, focus: Focus): string {
  const ratio = width / height;
  // fraction of the image's width and height the crop takes
  const w = ratio >= aspect ? aspect / ratio : 1;
  const h = ratio >= aspect ? 1 : ratio / aspect;
  const x1 = clamp(clamp01(focus.x) - w / 2, 0, 1 - w);
  const y1 = clamp(clamp01(focus.y) - h / 2, 0, 1 - h);
  return [x1, y1, Math.min(1, x1 + w), Math.min(1, y1 + h)].map(fmt).join('_');
}

function fmt(v: number): string {
  const s = (Math.round(v * 1e6) / 1e6).toFixed(6);
  return s.replace(/\.?0+$/, '') || '0';
}
