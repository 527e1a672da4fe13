import axios from 'axios';
import { createHmac } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { LinkRefusedError, pinnedLookup, resolvePublicAddress } from '@app/common/net/ssrf-guard';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '@app/persistence/notifications/notification.types';

/** What one POST came to: delivered, failed for now (retry), or failed for good (no retry helps). */
export type WebhookOutcome = { ok: true; status: number } | { ok: false; permanent: boolean; error: string };

/** The signature of a copy: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs a signed JSON copy to an office's webhook through the SSRF guard (libs/common/src/net): the
 * host must resolve to public addresses only (no private, link-local or metadata address; loopback
 * only when `allowLoopback`), the connection is pinned to the vetted address and redirects are not
 * followed. Errors are in Chinese, for the admin's list of pushes.
 */
export async function postWebhook(url: string, secret: string, body: string, o: { allowLoopback: boolean; timeoutMs?: number }): Promise<WebhookOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, permanent: true, error: `转发地址无效：${url}` };
  }
  let agents: { httpAgent: http.Agent; httpsAgent: https.Agent };
  try {
    const vetted = await resolvePublicAddress(target.hostname, o.allowLoopback);
    const opts = { lookup: pinnedLookup(vetted), keepAlive: false };
    agents = { httpAgent: new http.Agent(opts), httpsAgent: new https.Agent(opts) };
  } catch (e) {
    if (e instanceof LinkRefusedError) return { ok: false, permanent: true, error: `转发地址指向内部网络（${e.address}），出于安全考虑不予推送` };
    return { ok: false, permanent: false, error: `转发地址暂时无法解析（${(e as { code?: string }).code ?? (e as Error).message}）` };
  }
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const r = await axios.post(target.toString(), body, {
      ...agents,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'gov-disclosure-notifications/1',
        [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
        [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
      },
      timeout: o.timeoutMs ?? 10_000,
      maxRedirects: 0,
      proxy: false,
      responseType: 'text',
      transformResponse: [(d) => d],
      validateStatus: () => true,
    });
    if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status };
    // the gateway refused the request as such: sending it again will not help (except a timeout or a rate limit)
    const permanent = r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429;
    return { ok: false, permanent, error: `接收方返回 HTTP ${r.status}${typeof r.data === 'string' && r.data ? `：${r.data.slice(0, 200)}` : ''}` };
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).message;
    return { ok: false, permanent: false, error: `无法连接接收方（${code}）` };
  }
}
