import type { FieldProblem } from '@app/common/errors/app-error';
import type { LedColourMode } from '@app/media/led/led-colours';
import type { LedEffect } from './huidu-program.types';
import type { LedScreenFacts } from './led-reads.types';
import { NovastarScreenSettings, parseNovastarSettings } from './novastar-settings';

/** Resolutions of the hall screens we know (CHANNELS.md); any other sane size is accepted too. */
export const COMMON_LED_RESOLUTIONS: readonly [number, number][] = [
  [64, 16],
  [64, 32],
  [128, 32],
  [128, 64],
  [192, 96],
  [256, 128],
];
export const LED_MAX_SIDE = 4096;
export const LED_PROTOCOLS = ['huidu', 'pull', 'novastar'] as const;
export type LedProtocol = (typeof LED_PROTOCOLS)[number];

/** An LED channel account's settings, normalised (see README.md for the stored shape). */
export interface LedScreenSettings extends LedScreenFacts {
  colourMode: LedColourMode;
  /** Default text colour: red / green / yellow / #RRGGBB (full colour only). */
  colour: string | undefined;
  protocol: LedProtocol;
  /** Pixel rows per text line (default: 16, or the screen height on 12–15 px screens). */
  lineHeight: number | undefined;
  effect: LedEffect;
  /** Font name the controller renders its text items with. */
  fontName: string;
  /** Display window when the item does not set one. */
  defaultDays: number;
  /** How often a delivery not yet on the screen is checked again (pull: the player's fetch; Huidu: an emergency ending). */
  confirmPollMs: number;
  /** protocol novastar: players and the public media URL (novastar-settings.ts) */
  novastar?: NovastarScreenSettings;
}

const DEFAULT_EFFECT: LedEffect = { type: 0, speed: 4, hold: 5000 };

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Reads and checks a screen's settings (and, for each protocol, the credentials it needs). Problems
 * are in Chinese for the operator; a screen too small to show one character is left to the renderer,
 * whose LED_SCREEN_TOO_SMALL error says so with the exact size.
 */
export function parseLedSettings(
  raw: Record<string, any> | null | undefined,
  credentials: Record<string, any> | null | undefined,
  baseUrl: string,
): { settings: LedScreenSettings; problems: FieldProblem[] } {
  const s = raw ?? {};
  const problems: FieldProblem[] = [];
  const width = int(s.width);
  const height = int(s.height);
  if (width === undefined || height === undefined || width <= 0 || height <= 0) {
    problems.push({
      field: 'settings.width',
      reason: `屏幕分辨率须为正整数（宽×高，常见：${COMMON_LED_RESOLUTIONS.map(([w, h]) => `${w}×${h}`).join('、')}）`,
    });
  } else if (width > LED_MAX_SIDE || height > LED_MAX_SIDE) {
    problems.push({ field: 'settings.width', reason: `屏幕分辨率 ${width}×${height} 超出范围（每边不超过 ${LED_MAX_SIDE} 像素）` });
  }
  const colourMode = (s.colourMode ?? 'single') as LedColourMode;
  if (!['single', 'dual', 'full'].includes(colourMode))
    problems.push({ field: 'settings.colourMode', reason: '屏幕颜色类型应为 single（单色）、dual（双色）或 full（全彩）' });
  const protocol = (s.protocol ?? 'huidu') as LedProtocol;
  if (!(LED_PROTOCOLS as readonly string[]).includes(protocol))
    problems.push({ field: 'settings.protocol', reason: '控制协议应为 huidu（灰度 HTTP 推送）、pull（播放端拉取）或 novastar（诺瓦 VNNOX 云平台）' });
  const deviceId = typeof s.deviceId === 'string' ? s.deviceId.trim() : '';
  if (protocol === 'huidu') {
    if (!deviceId || /[,\s/]/.test(deviceId)) problems.push({ field: 'settings.deviceId', reason: '灰度控制卡须填写设备编号（不含逗号、空格、斜杠）' });
    if (!/^https?:\/\/.+/.test(baseUrl ?? '')) problems.push({ field: 'baseUrl', reason: '灰度控制卡须填写接口地址，如 http://192.168.1.50:30080' });
    if (!credentials?.sdkKey || !credentials?.sdkSecret) problems.push({ field: 'credentials', reason: '灰度控制卡须配置 sdkKey 和 sdkSecret' });
  }
  if (protocol === 'pull' && (typeof credentials?.playlistKey !== 'string' || credentials.playlistKey.length < 16)) {
    problems.push({ field: 'credentials.playlistKey', reason: '拉取模式须配置播放端密钥 playlistKey（至少16个字符）' });
  }
  const ns = protocol === 'novastar' ? parseNovastarSettings(s, credentials, baseUrl, credentials !== null) : undefined;
  if (ns) problems.push(...ns.problems);
  const lineHeight = s.lineHeight === undefined || s.lineHeight === null ? undefined : int(s.lineHeight);
  if (s.lineHeight !== undefined && s.lineHeight !== null && (lineHeight === undefined || lineHeight < 12 || (height !== undefined && lineHeight > height))) {
    problems.push({ field: 'settings.lineHeight', reason: '行高应为 12 到屏幕高度之间的整数' });
  }
  const e = s.effect ?? {};
  const effect: LedEffect = {
    type: int(e.type) ?? DEFAULT_EFFECT.type,
    speed: int(e.speed) ?? DEFAULT_EFFECT.speed,
    hold: int(e.hold) ?? DEFAULT_EFFECT.hold,
  };
  if (effect.type > 30 || effect.speed > 8 || effect.hold < 500 || effect.hold > 600_000) {
    problems.push({ field: 'settings.effect', reason: '特效 type 0–30、速度 speed 0–8、停留 hold 500–600000 毫秒' });
  }
  const maxPages = int(s.maxPages) ?? 10;
  const defaultDays = int(s.defaultDays) ?? 7;
  return {
    settings: {
      location: typeof s.location === 'string' ? s.location : '',
      width: width ?? 0,
      height: height ?? 0,
      colourMode,
      colour: typeof s.colour === 'string' && s.colour ? s.colour : undefined,
      protocol,
      deviceId,
      lineHeight,
      effect,
      fontName: typeof s.fontName === 'string' && s.fontName ? s.fontName : 'SimSun',
      maxPages: Math.max(1, Math.min(100, maxPages)),
      defaultDays: Math.max(1, Math.min(366, defaultDays)),
      confirmPollMs: Math.max(200, int(s.confirmPollMs) ?? (protocol === 'pull' ? 3000 : 60_000)),
      ...(ns ? { novastar: ns.novastar } : {}),
    },
    problems,
  };
}

/** Everything that changes how a text is split into pages on this screen. */
export function screenSignature(s: LedScreenSettings, colour: string | null | undefined): string {
  return [s.width, s.height, s.colourMode, s.lineHeight ?? '', colour ?? s.colour ?? ''].join('|');
}
