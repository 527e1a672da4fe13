import * as crypto from 'crypto';
import { AttemptLog, ChannelError, CredentialsError, PermanentError, RetryableError } from '../channel-adapter';
import { ChannelHttp, ChannelResponse } from '../http/channel-http';

/**
 * The VNNOX open API v2 calls we make (NOVASTAR.md §1). Sources: Sentia/novacloud_client
 * (middleware/authentication.rb, resources/players.rb, resources/solutions.rb, middleware/error_handler.rb),
 * ThomasDeTandt98/vnnox-controller src/api.ts.
 */

const LABEL = '诺瓦VNNOX云平台';

/** CheckSum = lowercase hex SHA-256(AppSecret + Nonce + CurTime); CurTime = UTC Unix seconds (NOVASTAR.md §1.2). */
export function novastarCheckSum(appSecret: string, nonce: string, curTime: string): string {
  return crypto.createHash('sha256').update(`${appSecret}${nonce}${curTime}`).digest('hex');
}

/** Fresh signed headers for one request (a new Nonce every time: the stricter reading of §1.2). */
export function novastarHeaders(appKey: string, appSecret: string, now = Date.now()): Record<string, string> {
  const nonce = crypto.randomBytes(16).toString('hex');
  const curTime = String(Math.floor(now / 1000));
  return { AppKey: appKey, Nonce: nonce, CurTime: curTime, CheckSum: novastarCheckSum(appSecret, nonce, curTime) };
}

/** Per-player answer of a publish / cancel: the cloud took the job for `success`, not for `fail` (§1.3). */
export interface NovastarJobResult {
  success: string[];
  fail: string[];
}

/**
 * Reads a VNNOX answer (§1.4, stricter reading of the conflict): HTTP 401/403 → credentials (the
 * account stops); 400/406 → permanent; 429/5xx → left to the shared wrapper (rate limit, retry or
 * unknown outcome); HTTP 200 with a numeric `status` ≠ 0 (the v1 envelope) → permanent.
 */
export function classifyNovastar(res: ChannelResponse): ChannelError | null {
  const b = res.body;
  const what = (typeof b?.message === 'string' ? b.message : res.text).slice(0, 200);
  if (res.status === 401 || res.status === 403) {
    return new CredentialsError('NOVASTAR_AUTH_FAILED', `${LABEL}拒绝了签名，请检查 appKey / AppSecret 与服务器时间（${what}）`);
  }
  if (res.status === 400 || res.status === 406) return new PermanentError(`NOVASTAR_HTTP_${res.status}`, `${LABEL}拒绝了请求：${what}`);
  if (res.status < 200 || res.status >= 300) return null;
  if (b && typeof b === 'object' && !Array.isArray(b) && typeof b.status === 'number' && b.status !== 0) {
    return new PermanentError('NOVASTAR_STATUS', `${LABEL}返回错误状态 ${b.status}：${what}`);
  }
  return null;
}

/** v2 bodies are unwrapped; v1 wrapped them in {status, data} (§1.4): accept both. */
function unwrap(b: any): any {
  return b && typeof b === 'object' && !Array.isArray(b) && b.data !== undefined && typeof b.status === 'number' ? b.data : b;
}

function jobResult(b: any): NovastarJobResult {
  const d = unwrap(b);
  if (!d || !Array.isArray(d.success) || !Array.isArray(d.fail)) {
    throw new PermanentError('NOVASTAR_BAD_RESPONSE', `${LABEL}应答缺少 success / fail 列表：${JSON.stringify(b).slice(0, 200)}`);
  }
  return { success: d.success.map(String), fail: d.fail.map(String) };
}

export interface NovastarTarget {
  baseUrl: string;
  appKey: string;
  appSecret: string;
}

export interface NovastarPlayerStatus {
  playerId: string;
  online: boolean;
}

export class NovastarClient {
  private readonly http: ChannelHttp;

  constructor(
    private readonly t: NovastarTarget,
    log?: (e: AttemptLog) => Promise<void>,
    timeoutMs = 15_000,
  ) {
    this.http = new ChannelHttp({ systemLabel: LABEL, timeoutMs, log });
  }

  private async call(
    name: string,
    method: 'GET' | 'POST',
    path: string,
    o: { data?: unknown; params?: Record<string, string | number | undefined>; effect: 'read' | 'create' },
  ): Promise<any> {
    const res = await this.http.send(
      {
        name,
        method,
        url: `${this.t.baseUrl.replace(/\/+$/, '')}${path}`,
        params: o.params,
        data: o.data === undefined ? undefined : JSON.stringify(o.data),
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...novastarHeaders(this.t.appKey, this.t.appSecret) },
        // A publish whose answer is lost may have been accepted: an unknown outcome, never a blind resend.
        effect: o.effect,
      },
      classifyNovastar,
    );
    return res.body;
  }

  /** GET /v2/player/list (rows; default page of 20). */
  async players(name?: string): Promise<{ playerId: string; name: string; onlineStatus?: number }[]> {
    const b = unwrap(await this.call('player list', 'GET', '/v2/player/list', { params: { start: 0, count: 100, name }, effect: 'read' }));
    return Array.isArray(b?.rows) ? b.rows : [];
  }

  /** POST /v2/player/current/online-status, ≤100 ids per call (§1.3/1.5). Answer shape not documented: array or {rows}. */
  async onlineStatus(playerIds: string[]): Promise<NovastarPlayerStatus[]> {
    const out: NovastarPlayerStatus[] = [];
    for (let i = 0; i < playerIds.length; i += 100) {
      const b = unwrap(
        await this.call('player online-status', 'POST', '/v2/player/current/online-status', {
          data: { playerIds: playerIds.slice(i, i + 100) },
          effect: 'read',
        }),
      );
      const rows: any[] = Array.isArray(b) ? b : Array.isArray(b?.rows) ? b.rows : [];
      for (const r of rows) out.push({ playerId: String(r.playerId), online: Number(r.onlineStatus) === 1 });
    }
    return out;
  }

  /** POST /v2/player/program/normal: replaces the players' normal program. */
  async normalProgram(body: Record<string, unknown>): Promise<NovastarJobResult> {
    return jobResult(await this.call('normal program', 'POST', '/v2/player/program/normal', { data: body, effect: 'create' }));
  }

  /** POST /v2/player/emergency-program/page: inserts an emergency page (attribute.duration ms). */
  async emergency(body: Record<string, unknown>): Promise<NovastarJobResult> {
    return jobResult(await this.call('emergency insert', 'POST', '/v2/player/emergency-program/page', { data: body, effect: 'create' }));
  }

  /** POST /v2/player/emergency-program/cancel: the normal program resumes. */
  async cancelEmergency(playerIds: string[]): Promise<NovastarJobResult> {
    return jobResult(await this.call('emergency cancel', 'POST', '/v2/player/emergency-program/cancel', { data: { playerIds }, effect: 'create' }));
  }
}

/** A player the cloud did not take the job for: unknown to this AppKey → credentials, else retried. */
export function playerFailure(fail: string[], known: string[] | null, what: string): ChannelError {
  const missing = known ? fail.filter((id) => !known.includes(id)) : [];
  if (missing.length) return new CredentialsError('NOVASTAR_PLAYER_NOT_FOUND', `${LABEL}上找不到播放器 ${missing.join('、')}，请检查屏幕设置中的 playerIds`);
  return new RetryableError('NOVASTAR_PLAYER_FAILED', `${LABEL}未接受播放器 ${fail.join('、')} 的${what}，稍后自动重试`);
}
