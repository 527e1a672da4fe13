import { Inject, Injectable, Optional } from '@nestjs/common';
import sharp from 'sharp';
import { AppError } from '@app/common/errors/app-error';
import { CjkWeight } from '../cjk-font';
import { LedColourMode, ledColour } from './led-colours';
import { MeasuredText, breakLines } from './led-line-breaker';
import { TextMeasurer } from './text-measurer';

export interface LedScreen {
  width: number;
  height: number;
  colourMode: LedColourMode;
  /** Default text colour for the screen: 'red' | 'green' | 'yellow' | '#RRGGBB' (full colour only). */
  colour?: string;
}

export interface LedTextOptions {
  /** Pixel rows per text line, 12..screen height. Default 16 (the standard 16-dot font), or the
   *  screen height on screens 12-15 px high. A 32-high screen shows 2 lines at 16 or 1 at 32. */
  lineHeight?: number;
  align?: 'center' | 'left';
  /** Overrides the screen's colour for this text. */
  colour?: string;
  weight?: CjkWeight;
}

export interface LedFrameLine {
  text: string;
  /** Where the line's ink sits in the frame. */
  x: number;
  y: number;
  width: number;
  height: number;
  fontSize: number;
}

export interface LedFrame {
  /** PNG of exactly width×height pixels, black background. */
  png: Buffer;
  width: number;
  height: number;
  /** The page's lines joined with '\n'. */
  text: string;
  lines: LedFrameLine[];
}

export interface LedRendererOptions {
  /** Longest text accepted, in characters (a hall screen is not a document reader). */
  maxChars?: number;
}

export const LED_RENDERER_OPTIONS = 'LED_RENDERER_OPTIONS';

/** Smallest screen that can show one Chinese character legibly. */
export const LED_MIN_PIXELS = 12;
// anti-aliased coverage at or above this lights a pixel on single/dual-colour screens
const LIT_THRESHOLD = 96;

/**
 * Turns a text into pages for an LED screen: lines broken by measured width, pages of as many lines as
 * the screen has rows, each page drawn into a PNG of exactly the screen's pixels. Single and dual-colour
 * screens get hard on/off pixels in the screen's own colours; full-colour screens get anti-aliased text.
 */
@Injectable()
export class LedTextRenderer {
  private readonly maxChars: number;

  constructor(@Optional() @Inject(LED_RENDERER_OPTIONS) options?: LedRendererOptions) {
    this.maxChars = options?.maxChars ?? 2000;
  }

  async render(screen: LedScreen, text: string, options: LedTextOptions = {}): Promise<LedFrame[]> {
    const { width, height } = checkScreen(screen);
    const colour = ledColour(screen.colourMode, options.colour ?? screen.colour);
    const lineHeight = options.lineHeight ?? (height >= 16 ? 16 : height);
    if (!Number.isInteger(lineHeight) || lineHeight < LED_MIN_PIXELS || lineHeight > height) {
      throw AppError.badRequest('LED_LINE_HEIGHT_INVALID', `行高 ${lineHeight} 像素无效：应为 ${LED_MIN_PIXELS}–${height} 之间的整数`, [
        { field: 'lineHeight', reason: `must be an integer ${LED_MIN_PIXELS}..${height}` },
      ]);
    }
    const chars = Array.from(text ?? '');
    if (chars.join('').trim() === '') {
      throw AppError.badRequest('LED_TEXT_EMPTY', 'LED 屏幕显示内容为空', [{ field: 'text', reason: 'empty' }]);
    }
    if (chars.length > this.maxChars) {
      throw AppError.badRequest('LED_TEXT_TOO_LONG', `LED 屏幕显示内容过长：${chars.length} 字，上限 ${this.maxChars} 字`, [
        { field: 'text', reason: `longer than ${this.maxChars} characters` },
      ]);
    }

    const measurer = new TextMeasurer({
      lineHeight,
      maxWidth: width,
      minFontSize: Math.max(10, Math.floor(lineHeight * 0.75)),
      weight: options.weight ?? 'regular',
    });
    const lines = await breakLines(text, width, lineHeight, measurer.measure, (ch) =>
      AppError.badRequest('LED_SCREEN_TOO_SMALL', `LED 屏幕 ${width}×${height} 像素放不下字符“${ch}”`, [
        { field: 'text', reason: `character ${ch} does not fit ${width}x${lineHeight}` },
      ]),
    );

    const rows = Math.floor(height / lineHeight);
    const pages: MeasuredText[][] = [];
    for (let i = 0; i < lines.length; i += rows) pages.push(lines.slice(i, i + rows));
    const binary = screen.colourMode !== 'full';
    return Promise.all(pages.map((page) => drawPage(page, { width, height, lineHeight, align: options.align ?? 'center', rgb: colour.rgb, binary })));
  }
}

function checkScreen(screen: LedScreen): { width: number; height: number } {
  const { width, height } = screen ?? ({} as LedScreen);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 8192 || height > 8192) {
    throw AppError.badRequest('LED_SCREEN_INVALID', `LED 屏幕尺寸无效：${width}×${height}`, [
      { field: 'screen', reason: 'width and height must be positive integers' },
    ]);
  }
  if (width < LED_MIN_PIXELS || height < LED_MIN_PIXELS) {
    throw AppError.badRequest(
      'LED_SCREEN_TOO_SMALL',
      `LED 屏幕 ${width}×${height} 像素太小，至少需要 ${LED_MIN_PIXELS}×${LED_MIN_PIXELS} 像素才能显示一个汉字`,
      [{ field: 'screen', reason: `smaller than ${LED_MIN_PIXELS}x${LED_MIN_PIXELS}` }],
    );
  }
  return { width, height };
}

async function drawPage(
  page: MeasuredText[],
  o: { width: number; height: number; lineHeight: number; align: 'center' | 'left'; rgb: readonly number[]; binary: boolean },
): Promise<LedFrame> {
  const { width, height, lineHeight } = o;
  const pixels = Buffer.alloc(width * height * 3);
  const blockTop = Math.floor((height - page.length * lineHeight) / 2);
  const lines: LedFrameLine[] = page.map((line, row) => {
    if (line.width > width || line.height > lineHeight) {
      // the measurer only passes lines that fit; drawing one that does not would silently clip it
      throw new Error(`LED line ${line.width}x${line.height} does not fit ${width}x${lineHeight}`);
    }
    const x = o.align === 'left' ? 0 : Math.floor((width - line.width) / 2);
    const y = blockTop + row * lineHeight + Math.floor((lineHeight - line.height) / 2);
    for (let ly = 0; ly < line.height; ly++) {
      for (let lx = 0; lx < line.width; lx++) {
        const cover = line.mask[ly * line.width + lx];
        if (cover === 0) continue;
        const p = ((y + ly) * width + x + lx) * 3;
        for (let c = 0; c < 3; c++) {
          pixels[p + c] = o.binary ? (cover >= LIT_THRESHOLD ? o.rgb[c] : 0) : Math.round((o.rgb[c] * cover) / 255);
        }
      }
    }
    return { text: line.text, x, y, width: line.width, height: line.height, fontSize: line.fontSize };
  });
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { png, width, height, text: lines.map((l) => l.text).join('\n'), lines };
}
