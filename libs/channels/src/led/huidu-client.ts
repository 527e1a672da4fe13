import * as crypto from 'crypto';
import { AttemptLog, ChannelError, CredentialsError, PermanentError, RetryableError } from '../channel-adapter';
import { ChannelHttp, ChannelResponse } from '../http/channel-http';
import type { HuiduProgram } from './huidu-program.types';

/** sign = HMAC-MD5(body + sdkKey + date, sdkSecret), lowercase hex (CHANNELS.md, Huidu HTTP SDK). */
export function huiduSign(body: string, sdkKey: string, date: string, sdkSecret: string): string {
  return crypto
    .createHmac('md5', Buffer.from(sdkSecret, 'utf8'))
    .update(Buffer.from(body + sdkKey + date, 'utf8'))
    .digest('hex');
}

const LABEL = '灰度LED控制卡';

/** Maps a device's (or the whole call's) error string, e.g. "kDeviceOffline: device not online", to a typed error. */
export function huiduCodeError(data: string, deviceId: string): ChannelError {
  const code = (/^(k[A-Za-z]+)/.exec(data)?.[1] ?? data.split(':')[0]).trim() || 'kFailure';
  const detail = data.slice(0, 300);
  switch (code) {
    case 'kDeviceNotExist':
      return new CredentialsError('HUIDU_DEVICE_NOT_FOUND', `${LABEL}上没有编号为 ${deviceId} 的设备，请检查屏幕设置中的设备编号（${detail}）`);
    case 'kDeviceOffline':
      return new RetryableError('HUIDU_DEVICE_OFFLINE', `LED屏 ${deviceId} 不在线，稍后自动重试（${detail}）`);
    case 'kInvalidParam':
    case 'kInvalidArea':
    case 'kProgramNotExist':
    case 'kUnsupportMethod':
    case 'invalid json':
    case 'device id missing':
      return new PermanentError(`HUIDU_${code.replace(/^k/, '').replace(/\s+/g, '_').toUpperCase()}`, `${LABEL}拒绝了节目：${detail}`);
    default:
      return new RetryableError('HUIDU_FAILURE', `${LABEL}处理失败，稍后自动重试（${detail}）`);
  }
}

/**
 * Reads a Huidu answer. Signature problems come back as HTTP 403 {message:"failed", data:"invalid sign"}
 * (credentials: the account stops until an operator fixes it); otherwise the per-device entry decides:
 * {"method","message":"ok","data":[{"id","message":"ok","data":"kSuccess"}]}.
 */
export function classifyHuidu(deviceId: string) {
  return (res: ChannelResponse): ChannelError | null => {
    const b = res.body;
    if (res.status === 403 || res.status === 401) {
      const what = typeof b?.data === 'string' ? b.data : res.text.slice(0, 200);
      if (/date/i.test(what)) return new CredentialsError('HUIDU_DATE_SKEW', `${LABEL}拒绝了请求：服务器时间与控制卡相差过大，请校准时间（${what}）`);
      return new CredentialsError('HUIDU_AUTH_FAILED', `${LABEL}签名校验失败，请检查 sdkKey / sdkSecret（${what}）`);
    }
    if (res.status < 200 || res.status >= 300) return null;
    if (!b || typeof b !== 'object') return new PermanentError('HUIDU_BAD_RESPONSE', `${LABEL}返回了无法识别的应答：${res.text.slice(0, 200)}`);
    if (typeof b.data === 'string') return b.message === 'ok' ? null : huiduCodeError(b.data, deviceId);
    if (!Array.isArray(b.data)) return new PermanentError('HUIDU_BAD_RESPONSE', `${LABEL}应答缺少设备结果：${res.text.slice(0, 200)}`);
    const mine = b.data.find((x: any) => String(x?.id) === deviceId);
    if (!mine) return new PermanentError('HUIDU_BAD_RESPONSE', `${LABEL}应答中没有设备 ${deviceId} 的结果：${res.text.slice(0, 200)}`);
    if (mine.message === 'ok') return null;
    return huiduCodeError(typeof mine.data === 'string' ? mine.data : JSON.stringify(mine.data), deviceId);
  };
}

export interface HuiduTarget {
  baseUrl: string;
  deviceId: string;
  sdkKey: string;
  sdkSecret: string;
}

/** The Huidu HTTP SDK calls we make, signed, through the shared error-classifying HTTP wrapper. */
export class HuiduClient {
  private readonly http: ChannelHttp;

  constructor(
    private readonly t: HuiduTarget,
    log?: (e: AttemptLog) => Promise<void>,
    timeoutMs = 15_000,
  ) {
    this.http = new ChannelHttp({ systemLabel: LABEL, timeoutMs, log });
  }

  private async call(name: string, payload: Record<string, unknown>, effect: 'read' | 'create'): Promise<any> {
    const body = JSON.stringify(payload);
    const date = new Date().toUTCString();
    const res = await this.http.send(
      {
        name,
        method: 'POST',
        url: `${this.t.baseUrl.replace(/\/+$/, '')}/api/program/${encodeURIComponent(this.t.deviceId)}`,
        data: body,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          sdkKey: this.t.sdkKey,
          date,
          sign: huiduSign(body, this.t.sdkKey, date, this.t.sdkSecret),
        },
        // A replace whose answer is lost may have taken effect: it is an unknown outcome, settled by
        // asking the controller what it holds (LedScreenService.sync) rather than by pushing again.
        effect,
      },
      classifyHuidu(this.t.deviceId),
    );
    return res.body;
  }

  /** Replaces everything on the screen with `programs` (an empty list clears it). */
  async replace(programs: HuiduProgram[]): Promise<void> {
    await this.call('program replace', { method: 'replace', data: programs }, 'create');
  }

  /** The program uuids the device holds now. */
  async programIds(): Promise<string[]> {
    const b = await this.call('program getAll', { method: 'getAll', data: [] }, 'read');
    const mine = (b.data as any[]).find((x) => String(x?.id) === this.t.deviceId);
    const items = mine?.data?.item;
    return Array.isArray(items) ? items.map((i: any) => String(i.id ?? i.uuid)) : [];
  }
}
