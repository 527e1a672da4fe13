import { AppError } from '@app/common/errors/app-error';

/** single: one LED colour (red in every hall we know); dual: red + green LEDs (so also yellow); full: RGB. */
export type LedColourMode = 'single' | 'dual' | 'full';

export interface LedColour {
  hex: string;
  rgb: readonly [number, number, number];
}

const NAMED: Record<string, string> = {
  red: '#FF0000',
  green: '#00FF00',
  yellow: '#FFFF00',
  white: '#FFFFFF',
  blue: '#0000FF',
  cyan: '#00FFFF',
  magenta: '#FF00FF',
};

const ALLOWED: Record<Exclude<LedColourMode, 'full'>, readonly string[]> = {
  single: ['#FF0000'],
  dual: ['#FF0000', '#00FF00', '#FFFF00'],
};

const MODE_NAME: Record<LedColourMode, string> = { single: '单色屏', dual: '双色屏', full: '全彩屏' };

/** The text colour a screen can actually show; refuses colours the screen's LEDs cannot produce. */
export function ledColour(mode: LedColourMode, requested?: string): LedColour {
  if (!(mode in MODE_NAME)) {
    throw AppError.badRequest('LED_COLOUR_MODE_INVALID', `未知的 LED 屏幕颜色类型：${String(mode)}（应为 single、dual 或 full）`, [
      { field: 'colourMode', reason: 'must be single, dual or full' },
    ]);
  }
  const raw = (requested ?? 'red').trim();
  const hex = (NAMED[raw.toLowerCase()] ?? raw).toUpperCase();
  if (!/^#[0-9A-F]{6}$/.test(hex)) {
    throw AppError.badRequest('LED_COLOUR_INVALID', `LED 文字颜色格式无效：${raw}（应为 #RRGGBB 或 red/green/yellow）`, [
      { field: 'colour', reason: 'must be #RRGGBB or a colour name' },
    ]);
  }
  if (mode !== 'full' && !ALLOWED[mode].includes(hex)) {
    const can = mode === 'single' ? '红色' : '红色、绿色、黄色';
    throw AppError.badRequest('LED_COLOUR_UNSUPPORTED', `${MODE_NAME[mode]}只能显示${can}，不能显示 ${hex}`, [
      { field: 'colour', reason: `${mode} screens show ${ALLOWED[mode].join(', ')} only` },
    ]);
  }
  const n = parseInt(hex.slice(1), 16);
  return { hex, rgb: [(n >> 16) & 255, (n >> 8) & 255, n & 255] };
}
