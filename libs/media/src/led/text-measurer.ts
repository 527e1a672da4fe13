import sharp from 'sharp';
import { CjkWeight, cjkFont } from '../cjk-font';
import { MeasuredText } from './led-line-breaker';

export interface TextMeasurerOptions {
  /** Pixel rows one line may use. */
  lineHeight: number;
  maxWidth: number;
  /** Smallest em size tried when a line's ink (accents, descenders) is taller than the row. */
  minFontSize: number;
  weight: CjkWeight;
}

/**
 * Measures a line by rendering it with the bundled font through sharp/Pango, so the answer is the
 * pixels that will be drawn (ink box), not an estimate: a line that measures as fitting cannot clip.
 * The em size starts at the row height (16 px rows get the classic 16-dot Chinese characters) and only
 * steps down when the line's ink is taller than the row.
 */
export class TextMeasurer {
  private readonly cache = new Map<string, Omit<MeasuredText, 'text'>>();

  constructor(private readonly opts: TextMeasurerOptions) {}

  readonly measure = async (text: string): Promise<MeasuredText | null> => {
    if (!text) return null;
    for (let size = this.opts.lineHeight; size >= this.opts.minFontSize; size--) {
      const r = await this.render(text, size);
      if (r.height <= this.opts.lineHeight) return r.width <= this.opts.maxWidth ? { text, ...r } : null;
    }
    return null;
  };

  private async render(text: string, fontSize: number): Promise<Omit<MeasuredText, 'text'>> {
    const key = `${fontSize}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const { data, info } = await sharp({
      text: {
        text: cjkFont.escape(text),
        font: cjkFont.description(fontSize, this.opts.weight),
        fontfile: cjkFont.file(this.opts.weight),
        wrap: 'none',
      },
    })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const r = { width: info.width, height: info.height, fontSize, mask: data };
    this.cache.set(key, r);
    return r;
  }
}
