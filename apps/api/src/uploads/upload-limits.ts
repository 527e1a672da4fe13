import { MAX_INPUT_PIXELS } from '@app/media/media-limits';

/** Upload limits. Images are re-encoded per channel later (WeChat ≤ 1 MB, Weibo ≤ 5 MB), so the original may be larger. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Decompression-bomb guard: a tiny file may declare a gigantic canvas. The media layer's limit, so an upload is never refused later. */
export const MAX_IMAGE_PIXELS = MAX_INPUT_PIXELS;
