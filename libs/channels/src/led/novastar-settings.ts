import type { FieldProblem } from '@app/common/errors/app-error';

/** What a NovaStar (VNNOX cloud) screen needs beyond the common LED settings (README.md, NOVASTAR.md). */
export interface NovastarScreenSettings {
  /** VNNOX player ids the program goes to (one screen = one or more players showing the same program). */
  playerIds: string[];
  /**
   * The Internet-reachable base of this system's API (…/api/v1): the player downloads each page's PNG
   * from `${mediaBaseUrl}/led/screens/<id>/media/…?key=<playlistKey>` (the open API has no upload).
   */
  mediaBaseUrl: string;
}

/**
 * Reads settings.playerIds / settings.mediaBaseUrl and checks the credentials {appKey, appSecret,
 * playlistKey} and the region base URL (e.g. https://open-us.vnnox.com). Problems in Chinese.
 */
export function parseNovastarSettings(
  s: Record<string, any>,
  credentials: Record<string, any> | null | undefined,
  baseUrl: string,
  checkCredentials: boolean,
): { novastar: NovastarScreenSettings; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const playerIds = Array.isArray(s.playerIds) ? s.playerIds.filter((x: unknown) => typeof x === 'string' && x.trim()).map((x: string) => x.trim()) : [];
  if (!playerIds.length || playerIds.length !== (s.playerIds as unknown[]).length || playerIds.length > 100) {
    problems.push({ field: 'settings.playerIds', reason: '诺瓦屏须填写 VNNOX 播放器编号 playerIds（1–100 个非空字符串）' });
  }
  const mediaBaseUrl = typeof s.mediaBaseUrl === 'string' ? s.mediaBaseUrl.trim().replace(/\/+$/, '') : '';
  if (!/^https?:\/\/[^\s]+$/.test(mediaBaseUrl)) {
    problems.push({
      field: 'settings.mediaBaseUrl',
      reason: '诺瓦屏须填写本系统可从互联网访问的接口地址 mediaBaseUrl（如 https://gk.example.gov.cn/api/v1），播放器从该地址下载画面',
    });
  }
  if (!/^https?:\/\/.+/.test(baseUrl ?? '')) problems.push({ field: 'baseUrl', reason: '诺瓦屏须填写 VNNOX 开放平台地址，如 https://open-us.vnnox.com' });
  if (checkCredentials) {
    if (!credentials?.appKey || !credentials?.appSecret) problems.push({ field: 'credentials', reason: '诺瓦屏须配置 VNNOX 开放平台的 appKey 和 appSecret' });
    if (typeof credentials?.playlistKey !== 'string' || credentials.playlistKey.length < 16) {
      problems.push({ field: 'credentials.playlistKey', reason: '诺瓦屏须配置画面下载密钥 playlistKey（至少16个字符）' });
    }
  }
  return { novastar: { playerIds, mediaBaseUrl }, problems };
}
