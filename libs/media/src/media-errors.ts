import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/common/errors/app-error';

/**
 * Errors the media library raises. Codes are stable for adapters and the API; messages are what an
 * operator reads, so they name the problem and what to do about it.
 */
export const mediaErrors = {
  invalid(reason: string, detail?: string): AppError {
    return AppError.unprocessable('MEDIA_INVALID', `图片无法读取：${reason}`, [{ field: 'image', reason: detail ?? reason }]);
  },

  unsupported(format: string, accepted: readonly string[]): AppError {
    return AppError.unprocessable('MEDIA_UNSUPPORTED', `不支持的图片格式：${format}，请使用 ${accepted.map((f) => f.toUpperCase()).join('、')} 格式`, [
      { field: 'image', reason: `unsupported format ${format}` },
    ]);
  },

  tooManyPixels(width: number, height: number, limit: number): AppError {
    return new AppError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      'MEDIA_TOO_LARGE',
      `图片像素过多：${width}×${height}（约 ${wan(width * height)} 像素），上限 ${wan(limit)} 像素，请缩小后再上传`,
      [{ field: 'image', reason: `${width}x${height} exceeds ${limit} pixels` }],
    );
  },

  tooManyBytes(bytes: number, limit: number): AppError {
    return new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'MEDIA_TOO_LARGE', `图片文件过大：${mb(bytes)}，上限 ${mb(limit)}`, [
      { field: 'image', reason: `${bytes} bytes exceeds ${limit}` },
    ]);
  },

  budgetUnreachable(profile: string, bytes: number, limit: number): AppError {
    return AppError.unprocessable('MEDIA_BUDGET_UNREACHABLE', `图片压缩后仍超过“${profile}”的大小上限（${kb(bytes)} > ${kb(limit)}），请换一张图片`, [
      { field: 'image', reason: `cannot fit ${profile} in ${limit} bytes` },
    ]);
  },
};

/** Pixel counts the way an operator reads them: 5000 万, 9 亿. */
function wan(n: number): string {
  if (n >= 100_000_000) return `${Number((n / 100_000_000).toFixed(1))} 亿`;
  return `${Math.round(n / 10_000)} 万`;
}
function mb(n: number): string {
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
function kb(n: number): string {
  return `${Math.ceil(n / 1000)} KB`;
}
