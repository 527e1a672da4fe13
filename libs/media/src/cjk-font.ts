import { existsSync } from 'node:fs';
import { AppError } from '@app/common/errors/app-error';

/**
 * The bundled CJK font (Noto Sans SC from @expo-google-fonts/noto-sans-sc). Rendering never depends on
 * fonts installed on the host: sharp's `text` input gets the TTF through `fontfile`, and the family
 * name below must match the file's own family name or fontconfig silently falls back to another font.
 */
export type CjkWeight = 'regular' | 'bold';

const FILES: Record<CjkWeight, string> = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

const resolved = new Map<CjkWeight, string>();

export const cjkFont = {
  family: 'Noto Sans SC',

  file(weight: CjkWeight = 'regular'): string {
    const hit = resolved.get(weight);
    if (hit) return hit;
    let path: string | undefined;
    try {
      path = require.resolve(FILES[weight]);
    } catch {
      path = undefined;
    }
    if (!path || !existsSync(path)) {
      throw new AppError(500, 'MEDIA_FONT_MISSING', `缺少内置中文字体文件（${FILES[weight]}），请重新安装依赖`);
    }
    resolved.set(weight, path);
    return path;
  },

  /** Pango font description for an em size in pixels (sharp renders text at 72 dpi, so pt == px). */
  description(sizePx: number, weight: CjkWeight = 'regular'): string {
    return `${this.family}${weight === 'bold' ? ' Bold' : ''} ${sizePx}px`;
  },

  /** sharp's text input is Pango markup: user text must be escaped or `<`/`&` break rendering. */
  escape(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  },
};
