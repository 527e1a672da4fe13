import axios, { AxiosError, AxiosRequestConfig } from 'axios';
import { AttemptLog, ChannelError, PermanentError, RateLimitedError, RetryableError, UnknownOutcomeError } from '../channel-adapter';

/**
 * What a lost answer means for a call:
 * - read: nothing changed outside; retry freely.
 * - repeatable: it may have changed something, but doing it twice is harmless (an image upload);
 *   retry freely.
 * - create: it may have published something; a lost answer is an UNKNOWN outcome that must be
 *   reconciled before anything is sent again.
 */
export type CallEffect = 'read' | 'repeatable' | 'create';

export interface ChannelCall {
  /** Short name for the event log, e.g. "draft/add". */
  name: string;
  method: 'GET' | 'POST';
  url: string;
  params?: Record<string, string | number | undefined>;
  /** JSON object, URLSearchParams or FormData. */
  data?: unknown;
  headers?: Record<string, string>;
  effect: CallEffect;
  timeoutMs?: number;
}

export interface ChannelResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any;
  text: string;
  durationMs: number;
}

/**
 * The platform's own reading of a response: a typed error, or null when the call succeeded. Runs for
 * every HTTP status, so platforms that put their error codes in 4xx bodies (Weibo) are classified by
 * their code, not by the status line.
 */
export type PlatformClassifier = (res: ChannelResponse, call: ChannelCall) => ChannelError | null;

export interface ChannelHttpOptions {
  /** Operator-facing system name for messages (Chinese), e.g. 微信公众平台. */
  systemLabel: string;
  timeoutMs?: number;
  /** Where each call is recorded (the delivery's event log). */
  log?: (entry: AttemptLog) => Promise<void>;
}

/** Network failures where the request never left this machine: safe to retry whatever the call. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'EADDRNOTAVAIL']);

const RESPONSE_LOG_LIMIT = 2000;

/**
 * The one error-classifying HTTP wrapper the channel adapters share (the Postiz pattern): it sends,
 * records the attempt (secrets masked), and turns transport failures into typed outcomes, leaving the
 * platform's own error codes to a classifier the adapter supplies. A timeout or a dropped connection
 * on a `create` call is an UnknownOutcomeError, never a plain retry: the platform may have published.
 */
export class ChannelHttp {
  constructor(private readonly o: ChannelHttpOptions) {}

  withLog(log: ((entry: AttemptLog) => Promise<void>) | undefined): ChannelHttp {
    return new ChannelHttp({ ...this.o, log });
  }

  async send(call: ChannelCall, classify?: PlatformClassifier): Promise<ChannelResponse> {
    const started = Date.now();
    const config: AxiosRequestConfig = {
      method: call.method,
      url: call.url,
      params: call.params,
      data: call.data,
      headers: call.headers,
      timeout: call.timeoutMs ?? this.o.timeoutMs ?? 20_000,
      responseType: 'text',
      transformResponse: [(d) => d],
      validateStatus: () => true,
      maxRedirects: 0,
      maxBodyLength: 50 * 1024 * 1024,
      maxContentLength: 20 * 1024 * 1024,
      // The proxy settings of the host must not reroute calls to the simulators or the platforms.
      proxy: false,
    };
    let status: number;
    let text: string;
    try {
      const r = await axios.request<string>(config);
      status = r.status;
      text = typeof r.data === 'string' ? r.data : String(r.data ?? '');
    } catch (e) {
      const err = this.transportError(call, e as AxiosError);
      await this.record(call, started, { errorCode: err.code, message: err.message });
      throw err;
    }
    const res: ChannelResponse = { status, body: parseJson(text), text, durationMs: Date.now() - started };
    let err: ChannelError | null;
    try {
      err = classify ? classify(res, call) : null;
      if (!err) err = this.statusError(call, res);
    } catch (e) {
      err = e instanceof ChannelError ? e : new PermanentError('RESPONSE_UNREADABLE', `${this.o.systemLabel}返回了无法识别的应答：${(e as Error).message}`);
    }
    await this.record(call, started, { response: `HTTP ${status} ${text}`, errorCode: err?.code, message: err?.message });
    if (err) throw err;
    return res;
  }

  private async record(call: ChannelCall, started: number, e: Omit<AttemptLog, 'call'>): Promise<void> {
    if (!this.o.log) return;
    await this.o.log({
      call: `${call.method} ${pathOf(call.url)} (${call.name})`,
      response: e.response === undefined ? undefined : redactSecrets(e.response).slice(0, RESPONSE_LOG_LIMIT),
      durationMs: Date.now() - started,
      errorCode: e.errorCode,
      message: e.message === undefined ? undefined : redactSecrets(e.message),
    });
  }

  /** Non-2xx statuses the platform classifier did not claim. */
  private statusError(call: ChannelCall, res: ChannelResponse): ChannelError | null {
    const s = res.status;
    if (s >= 200 && s < 300) return null;
    const label = this.o.systemLabel;
    if (s === 429) return new RateLimitedError(`HTTP_429`, `${label}请求过于频繁（HTTP 429）`, retryAfterMs(res) ?? 60_000);
    // A 503 from a gateway means the request was not handled.
    if (s === 503) return new RetryableError('HTTP_503', `${label}暂时不可用（HTTP 503）`);
    if (s >= 500) {
      return call.effect === 'create'
        ? new UnknownOutcomeError(`HTTP_${s}`, `${label}返回 HTTP ${s}，无法确定是否已发布，将先核对再决定是否重发`)
        : new RetryableError(`HTTP_${s}`, `${label}返回 HTTP ${s}`);
    }
    return new PermanentError(`HTTP_${s}`, `${label}拒绝了请求（HTTP ${s}）：${res.text.slice(0, 200)}`);
  }

  private transportError(call: ChannelCall, e: AxiosError): ChannelError {
    const code = String(e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code ?? 'NETWORK');
    const label = this.o.systemLabel;
    if (NOT_SENT.has(code)) return new RetryableError(code, `无法连接${label}（${code}）`);
    if (call.effect === 'create') {
      return new UnknownOutcomeError(code, `调用${label}（${call.name}）超时或连接中断（${code}），无法确定是否已生效，将先核对再决定是否重发`);
    }
    return new RetryableError(code, `调用${label}（${call.name}）超时或连接中断（${code}）`);
  }
}

export function parseJson(text: string): any {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function retryAfterMs(res: ChannelResponse): number | undefined {
  const m = /"?retry[-_]after"?\s*[:=]\s*(\d+)/i.exec(res.text);
  return m ? Number(m[1]) * 1000 : undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

/** Masks tokens and secrets wherever they appear in logged text (query strings, JSON, form bodies). */
export function redactSecrets(s: string): string {
  return s
    .replace(/((?:access_token|secret|appsecret|refresh_token)=)[^&\s"']+/gi, '$1***')
    .replace(/("(?:access_token|secret|appsecret|refresh_token)"\s*:\s*")[^"]*"/gi, '$1***"');
}
