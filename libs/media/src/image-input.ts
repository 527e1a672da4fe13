import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { DecodedImage } from './budget-encoder';
import { mediaErrors } from './media-errors';
import { ImageProbe, InputFormat } from './media.types';

// Reading an upload: the header-only checks (bytes, format allow-list, pixel count, before any pixel is
// decoded), the single decode to raw sRGB pixels, and libvips' decode failures as MEDIA_* errors.

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

/** Header-only checks: size in bytes, format, pixel count. Nothing is decoded here. */
export async function readImageHeader(input: Buffer, limits: { maxInputPixels: number; maxInputBytes: number }): Promise<ImageProbe> {
  if (!Buffer.isBuffer(input) || input.length === 0) throw mediaErrors.invalid('文件为空');
  if (input.length > limits.maxInputBytes) throw mediaErrors.tooManyBytes(input.length, limits.maxInputBytes);
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
  if (width * height > limits.maxInputPixels) throw mediaErrors.tooManyPixels(width, height, limits.maxInputPixels);
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
export async function decodeImage(input: Buffer, width: number, height: number, probe: ImageProbe, maxInputPixels: number): Promise<DecodedImage> {
  let img = sharp(input, inputOptions(maxInputPixels)).rotate();
  if (width !== probe.width || height !== probe.height) img = img.resize(width, height, { fit: 'fill' });
  const { data, info } = await guard(img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
  const channels = info.channels === 4 ? 4 : 3;
  if (info.channels !== 3 && info.channels !== 4) {
    throw mediaErrors.invalid(`意外的通道数 ${info.channels}`);
  }
  return { data, width: info.width, height: info.height, channels, opaque: channels === 3 || alphaIsOpaque(data) };
}

/** Decodes the pixels once at a small size: truncated or corrupt files fail here (probe's `verify`). */
export async function verifyPixels(input: Buffer, maxInputPixels: number): Promise<void> {
  await guard(sharp(input, inputOptions(maxInputPixels)).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer());
}

function inputOptions(maxInputPixels: number): SharpOptions {
  return { failOn: 'error', limitInputPixels: maxInputPixels };
}

/** Turns libvips' decode failures into MEDIA_* errors an operator can act on. */
async function guard<T>(work: Promise<T>): Promise<T> {
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

function alphaIsOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}
