import { Injectable } from '@nestjs/common';
import * as http from 'http';
import * as https from 'https';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import {
  AdapterAccount,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelError,
  ChannelPreview,
  ConfirmResult,
  CredentialsError,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  RateLimitedError,
  ReconcileResult,
  RetryableError,
  UnknownOutcomeError,
} from '../channel-adapter';
import { TESTCHAN_CREDENTIALS_SCHEMA, TESTCHAN_OVERRIDE_SCHEMA, TESTCHAN_SETTINGS_SCHEMA } from './testchan-schema';

/** A post as the test channel shows it. */
interface TestchanPost {
  id: string;
  url: string;
  status: 'pending' | 'published' | 'failed' | 'deleted';
  ref: string;
}

/** Errors where the request never left this machine: nothing can have happened outside. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * The test channel (apps/channel-sim `testchan`): our own small protocol that exercises every outcome
 * the engine knows — published at once, accepted and published later (tokens starting with "async-"),
 * rate limited with a window, bad credentials, refused content, busy, and calls whose answer is lost
 * after they took effect. It does not deduplicate, so the engine's reconcile-before-resend is what
 * keeps a publication single.
 *
 * Account: baseUrl `${sim}/testchan`; credentials `{ token }`; settings (all optional)
 * `{ timeoutMs, pollAfterMs, concurrency, rateLimit, confirmGiveUpMs }`.
 * Each post carries `ref` = the delivery id, which is how reconcile finds it.
 */
@Injectable()
export class TestchanAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'testchan',
    label: '测试渠道',
    forTests: true,
    reportRow: 'other',
    newMedia: false,
    settingsSchema: TESTCHAN_SETTINGS_SCHEMA,
    credentialsSchema: TESTCHAN_CREDENTIALS_SCHEMA,
    overrideSchema: TESTCHAN_OVERRIDE_SCHEMA,
    canUpdate: false,
    canWithdraw: true,
    asyncConfirmation: true,
    collectsIntoIssues: false,
    limits: { titleMaxChars: 200, textMaxChars: 20_000 },
    concurrencyPerAccount: 8,
  };

  // One pool of kept-alive sockets: a burst of deliveries must not open a connection per call.
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) };

  text(v: ItemSnapshot, portalUrl: string): string {
    const summary = v.summary?.trim() || stripHtml(v.bodyHtml).slice(0, 200);
    return `${summary}\n${portalUrl}`.trim();
  }

  async validate(v: ItemSnapshot): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    if (!v.title.trim()) problems.push({ field: 'title', reason: '标题不能为空' });
    if ([...v.title].length > 200) problems.push({ field: 'title', reason: '测试渠道标题不能超过200字' });
    return problems;
  }

  async preview(v: ItemSnapshot, _account: AdapterAccount, portalUrl: string): Promise<ChannelPreview> {
    return { channelType: 'testchan', text: `${v.title}\n${this.text(v, portalUrl)}`, problems: await this.validate(v) };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    const res = await this.call<TestchanPost>(ctx, 'POST', '/posts', 'create', {
      ref: ctx.deliveryId,
      title: ctx.version.title,
      text: this.text(ctx.version, ctx.portalUrl),
    });
    if (res.status === 'published') return { status: 'published', externalId: res.id, externalUrl: res.url };
    if (res.status === 'pending') return { status: 'awaiting_confirmation', externalId: res.id, pollAfterMs: this.pollAfter(ctx.account) };
    throw new PermanentError('UNEXPECTED_STATUS', `测试渠道返回了未知状态：${res.status}`);
  }

  async confirm(ctx: DeliveryContext): Promise<ConfirmResult> {
    if (!ctx.externalId) throw new PermanentError('NO_EXTERNAL_ID', '缺少外部编号，无法查询发布结果');
    const p = await this.call<TestchanPost>(ctx, 'GET', `/posts/${encodeURIComponent(ctx.externalId)}`, 'read');
    if (p.status === 'published') return { status: 'published', externalId: p.id, externalUrl: p.url };
    if (p.status === 'pending') return { status: 'pending', pollAfterMs: this.pollAfter(ctx.account) };
    throw new PermanentError('PUBLISH_FAILED', p.status === 'deleted' ? '该内容已在测试渠道被删除' : '测试渠道未通过发布（平台审核未通过）');
  }

  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    const r = await this.call<{ items: TestchanPost[] }>(ctx, 'GET', `/posts?ref=${encodeURIComponent(ctx.deliveryId)}`, 'read');
    const live = (r.items ?? []).filter((p) => p.status === 'published' || p.status === 'pending');
    const published = live.find((p) => p.status === 'published');
    if (published) return { found: true, status: 'published', externalId: published.id, externalUrl: published.url };
    if (live[0]) return { found: true, status: 'pending', externalId: live[0].id, externalUrl: live[0].url };
    return { found: false };
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    if (!ctx.externalId) throw new PermanentError('NO_EXTERNAL_ID', '缺少外部编号，无法撤回');
    // Repeating a delete whose answer was lost finds nothing: already gone is success.
    await this.call(ctx, 'DELETE', `/posts/${encodeURIComponent(ctx.externalId)}`, 'delete');
  }

  /** Access tokens are read from the account on every step; a refresh means reading the stored one again. */
  async refreshCredentials(): Promise<void> {}

  private send(method: string, url: string, body: unknown, token: string, timeoutMs: number) {
    return request(this.agents, method, url, body, token, timeoutMs);
  }

  private pollAfter(account: AdapterAccount): number {
    const n = Number(account.settings?.pollAfterMs);
    return n > 0 ? n : 500;
  }

  private async call<T>(
    ctx: DeliveryContext,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    effect: 'read' | 'create' | 'delete',
    body?: unknown,
  ): Promise<T> {
    const url = `${ctx.account.baseUrl.replace(/\/+$/, '')}${path}`;
    const token = String(ctx.account.credentials?.token ?? '');
    const started = Date.now();
    const timeout = Number(ctx.account.settings?.timeoutMs) > 0 ? Number(ctx.account.settings.timeoutMs) : 10_000;
    let status: number;
    let data: any;
    try {
      ({ status, data } = await this.send(method, url, body, token, timeout));
    } catch (e) {
      const err = transportError(e as NodeJS.ErrnoException, effect);
      await ctx.logAttempt({ call: `${method} ${path}`, errorCode: err.code, message: err.message, durationMs: Date.now() - started });
      throw err;
    }
    const verdict = statusError(status, data, effect, method);
    const err = verdict === 'gone' ? null : verdict;
    await ctx.logAttempt({
      call: `${method} ${path}`,
      response: `HTTP ${status} ${typeof data === 'string' ? data : JSON.stringify(data)}`.slice(0, 1000),
      errorCode: err?.code,
      message: err?.message,
      durationMs: Date.now() - started,
    });
    if (err) throw err;
    return (verdict === 'gone' ? undefined : data) as T;
  }
}

/** A small HTTP client (node's own): the protocol is JSON in, JSON out. */
function request(
  agents: { http: http.Agent; https: https.Agent },
  method: string,
  url: string,
  body: unknown,
  token: string,
  timeoutMs: number,
): Promise<{ status: number; data: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = lib.request(
      u,
      {
        method,
        agent: u.protocol === 'https:' ? agents.https : agents.http,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: any = text;
          try {
            data = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON: keep the text for the log */
          }
          resolve({ status: res.statusCode ?? 0, data });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

function statusError(status: number, data: any, effect: 'read' | 'create' | 'delete', method: string): ChannelError | 'gone' | null {
  if (status >= 200 && status < 300) return null;
  const code = typeof data?.error === 'string' ? data.error : `HTTP_${status}`;
  if (status === 401) return new CredentialsError(code, '测试渠道拒绝了访问令牌（invalid_token），请更新账号凭据', true);
  if (status === 429) {
    const s = Number(data?.retry_after_s);
    return new RateLimitedError(code, `测试渠道限流，${s > 0 ? s : 60}秒后再试`, (s > 0 ? s : 60) * 1000);
  }
  if (status === 404 && effect === 'delete') return 'gone';
  if (status === 400) return new PermanentError(code, `测试渠道拒绝了内容：${data?.message ?? code}`);
  if (status === 404) return new PermanentError(code, `测试渠道找不到该内容（${method}）`);
  // 503 "busy" is answered before anything happens. Another 5xx on a create may come after the effect.
  if (status === 503) return new RetryableError(code, '测试渠道繁忙（503），稍后重试');
  if (status >= 500 && effect === 'create') return new UnknownOutcomeError(code, `测试渠道返回 HTTP ${status}，无法确定是否已发布，将先核对再决定是否重发`);
  if (status >= 500) return new RetryableError(code, `测试渠道返回 HTTP ${status}`);
  return new PermanentError(code, `测试渠道拒绝了请求（HTTP ${status}）`);
}

function transportError(e: NodeJS.ErrnoException, effect: 'read' | 'create' | 'delete'): ChannelError {
  const code = String(e.code ?? 'NETWORK');
  if (NOT_SENT.has(code)) return new RetryableError(code, `无法连接测试渠道（${code}）`);
  if (effect === 'create') return new UnknownOutcomeError(code, `发送到测试渠道超时或连接中断（${code}），无法确定是否已发布，将先核对再决定是否重发`);
  return new RetryableError(code, `调用测试渠道超时或连接中断（${code}）`);
}

function stripHtml(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
