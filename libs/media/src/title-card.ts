import sharp, { type OverlayOptions } from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { DecodedImage } from './budget-encoder';
import { cjkFont } from './cjk-font';

export interface TitleCardOptions {
  /** Output size; the default is WeChat's 2.35:1 header size, so the card can be the thumb as is. */
  width?: number;
  height?: number;
  /** Smaller second line at the bottom, e.g. the issuing organisation and date. */
  subtitle?: string;
  /** '#RRGGBB'. Gradient from `background` to `backgroundTo`. */
  background?: string;
  backgroundTo?: string;
  colour?: string;
  accent?: string;
  /** Byte budget of the JPEG (default 64 KB, WeChat's thumb limit). */
  maxBytes?: number;
}

const HEX = /^#[0-9a-fA-F]{6}$/;
const MAX_TITLE_CHARS = 80;

/**
 * Draws a cover for an item that has no picture: the title, wrapped and sized to fit, in the bundled
 * CJK font over a plain gradient. Text goes through Pango (sharp's text input), never SVG <text>,
 * which would depend on the host's installed fonts.
 */
export async function renderTitleCard(title: string, opts: TitleCardOptions = {}): Promise<DecodedImage> {
  const width = dimension(opts.width ?? 900, 'width');
  const height = dimension(opts.height ?? 383, 'height');
  const background = colour(opts.background ?? '#A61B1B', 'background');
  const backgroundTo = colour(opts.backgroundTo ?? '#6E0F0F', 'backgroundTo');
  const fg = colour(opts.colour ?? '#FFFFFF', 'colour');
  const accent = colour(opts.accent ?? '#F2C14E', 'accent');
  let text = title.replace(/\s+/g, ' ').trim();
  if (!text) {
    throw AppError.badRequest('MEDIA_TITLE_EMPTY', '标题为空，无法生成封面图', [{ field: 'title', reason: 'empty' }]);
  }
  if ([...text].length > MAX_TITLE_CHARS) text = [...text].slice(0, MAX_TITLE_CHARS - 1).join('') + '…';
  const subtitle = opts.subtitle?.replace(/\s+/g, ' ').trim() ?? '';

  const boxWidth = Math.round(width * 0.86);
  const titleArea = Math.round(height * (subtitle ? 0.74 : 0.9));
  const boxHeight = Math.round(titleArea * 0.84);
  const titleImg = await fitTitle(text, fg, boxWidth, boxHeight, height);

  const ruleY = titleArea;
  const layers: OverlayOptions[] = [
    {
      input: titleImg.data,
      left: Math.floor((width - titleImg.width) / 2),
      top: Math.floor((titleArea - titleImg.height) / 2),
    },
  ];
  if (subtitle) {
    const sub = await fitLine(subtitle, fg, boxWidth, Math.max(12, Math.round(height * 0.065)));
    const band = height - ruleY;
    layers.push({ input: sub.data, left: Math.floor((width - sub.width) / 2), top: ruleY + Math.floor((band - sub.height) / 2) });
  }
  const ruleWidth = Math.round(width * 0.08);
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="${background}"/><stop offset="1" stop-color="${backgroundTo}"/></linearGradient></defs>` +
      `<rect width="${width}" height="${height}" fill="url(#g)"/>` +
      (subtitle
        ? `<rect x="${Math.round((width - ruleWidth) / 2)}" y="${ruleY - 1}" width="${ruleWidth}" height="${Math.max(2, Math.round(height / 190))}" fill="${accent}"/>`
        : '') +
      `</svg>`,
  );
  const { data, info } = await sharp(svg).composite(layers).removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3, opaque: true };
}

interface TextImage {
  data: Buffer;
  width: number;
  height: number;
}

async function renderText(text: string, fg: string, sizePx: number, wrapWidth: number | null, bold: boolean): Promise<TextImage> {
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${fg}">${cjkFont.escape(text)}</span>`,
      font: cjkFont.description(sizePx, bold ? 'bold' : 'regular'),
      fontfile: cjkFont.file(bold ? 'bold' : 'regular'),
      rgba: true,
      align: 'centre',
      ...(wrapWidth ? { width: wrapWidth, wrap: 'word-char' as const } : {}),
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Largest size (stepping down ~10%) at which the wrapped title fits the box; shortens it as a last resort. */
async function fitTitle(text: string, fg: string, boxWidth: number, boxHeight: number, cardHeight: number): Promise<TextImage> {
  const min = Math.max(12, Math.round(cardHeight * 0.06));
  let size = Math.max(min, Math.round(cardHeight * 0.17));
  for (;;) {
    const img = await renderText(text, fg, size, boxWidth, true);
    if (img.height <= boxHeight && img.width <= boxWidth) return img;
    if (size > min) {
      size = Math.max(min, Math.floor(size * 0.9));
      continue;
    }
    const chars = [...text.replace(/…$/, '')];
    if (chars.length <= 1) return img;
    text = chars.slice(0, Math.max(1, Math.floor(chars.length * 0.9))).join('') + '…';
  }
}

/** One line at a fixed size, shortened with an ellipsis until it fits the width. */
async function fitLine(text: string, fg: string, boxWidth: number, sizePx: number): Promise<TextImage> {
  let chars = [...text];
  for (;;) {
    const img = await renderText(chars.join('') + (chars.length < [...text].length ? '…' : ''), fg, sizePx, null, false);
    if (img.width <= boxWidth || chars.length <= 1) return img;
    chars = chars.slice(0, chars.length - 1);
  }
}

function dimension(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 100 || v > 4000) {
    throw AppError.badRequest('MEDIA_SIZE_INVALID', `封面尺寸无效：${field}=${v}（应为 100–4000 像素的整数）`, [
      { field, reason: 'must be an integer 100..4000' },
    ]);
  }
  return v;
}

function colour(v: string, field: string): string {
  if (!HEX.test(v)) {
    throw AppError.badRequest('MEDIA_COLOUR_INVALID', `颜色格式无效：${field}=${v}（应为 #RRGGBB）`, [{ field, reason: 'must be #RRGGBB' }]);
  }
  return v;
}
