import axios, { AxiosResponse } from 'axios';
import * as http from 'http';
import * as https from 'https';
import { LinkRefusedError, pinnedLookup, resolvePublicAddress, VettedAddress } from '@app/common/net/ssrf-guard';

export interface LinkCheckOptions {
  /** Allow 127.0.0.0/8 and ::1 (tests against a local server). Private ranges stay refused. */
  allowLoopback?: boolean;
  /** Per request (each redirect hop), default 8000. */
  timeoutMs?: number;
  /** Parallel requests, default 4: a county office's link check must not look like a scan. */
  concurrency?: number;
  /** Redirect hops followed (each hop re-vetted), default 5. */
  maxRedirects?: number;
  userAgent?: string;
}

export type LinkProblem = 'refused' | 'http-error' | 'timeout' | 'network' | 'dns' | 'invalid-url' | 'too-many-redirects';

export interface LinkCheckResult {
  url: string;
  ok: boolean;
  /** Last HTTP status seen. */
  status?: number;
  /** Where redirects ended. */
  finalUrl?: string;
  problem?: LinkProblem;
  /** Technical detail for logs and the finding message (English, from the network stack). */
  detail?: string;
}

async function request(url: URL, vetted: VettedAddress, method: 'HEAD' | 'GET', o: Required<LinkCheckOptions>): Promise<AxiosResponse> {
  const lookup = pinnedLookup(vetted);
  const agentOptions = { lookup, keepAlive: false };
  const res = await axios.request({
    url: url.href,
    method,
    maxRedirects: 0,
    timeout: o.timeoutMs,
    signal: AbortSignal.timeout(o.timeoutMs + 500),
    validateStatus: () => true,
    responseType: 'stream',
    decompress: false,
    proxy: false,
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    headers: { 'User-Agent': o.userAgent, Accept: '*/*' },
  });
  // Only the status matters: do not download bodies.
  (res.data as NodeJS.ReadableStream & { destroy?: () => void })?.destroy?.();
  return res;
}

function classify(e: unknown): { problem: LinkProblem; detail: string } {
  if (e instanceof LinkRefusedError) return { problem: 'refused', detail: `${e.address}: ${e.reason}` };
  const err = e as { code?: string; message?: string; name?: string };
  const code = err.code ?? err.name ?? '';
  if (['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED', 'TimeoutError', 'AbortError', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
    return { problem: 'timeout', detail: code };
  }
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME'].includes(code)) return { problem: 'dns', detail: code };
  return { problem: 'network', detail: code || err.message || String(e) };
}

async function checkOne(raw: string, o: Required<LinkCheckOptions>): Promise<LinkCheckResult> {
  let current: URL;
  try {
    current = new URL(raw);
  } catch {
    return { url: raw, ok: false, problem: 'invalid-url', detail: 'unparsable URL' };
  }
  let status: number | undefined;
  try {
    for (let hop = 0; hop <= o.maxRedirects; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        return { url: raw, ok: false, status, finalUrl: current.href, problem: 'invalid-url', detail: `protocol ${current.protocol}` };
      }
      const vetted = await resolvePublicAddress(current.hostname, o.allowLoopback);
      let res = await request(current, vetted, 'HEAD', o);
      // Plenty of CMSs answer HEAD with 403/404/405/501 while GET works: ask again before calling it broken.
      if ([403, 404, 405, 501].includes(res.status)) res = await request(current, vetted, 'GET', o);
      status = res.status;
      const location = res.headers['location'];
      if (status >= 300 && status < 400 && typeof location === 'string' && location) {
        current = new URL(location, current);
        continue;
      }
      return status < 400
        ? { url: raw, ok: true, status, finalUrl: current.href }
        : { url: raw, ok: false, status, finalUrl: current.href, problem: 'http-error', detail: `HTTP ${status}` };
    }
    return { url: raw, ok: false, status, finalUrl: current.href, problem: 'too-many-redirects', detail: `more than ${o.maxRedirects} redirects` };
  } catch (e) {
    return { url: raw, ok: false, status, finalUrl: current.href, ...classify(e) };
  }
}

/**
 * HEAD (falling back to GET) each URL, following redirects by hand so that every hop passes the SSRF
 * guard. Results come back in input order; duplicate URLs are fetched once.
 */
export async function checkLinks(urls: readonly string[], options: LinkCheckOptions = {}): Promise<LinkCheckResult[]> {
  const o: Required<LinkCheckOptions> = {
    allowLoopback: options.allowLoopback ?? false,
    timeoutMs: options.timeoutMs ?? 8000,
    concurrency: Math.max(1, options.concurrency ?? 4),
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent ?? 'gov-disclosure-link-check/1.0',
  };
  const unique = [...new Set(urls)];
  const results = new Map<string, LinkCheckResult>();
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const url = unique[next++];
      results.set(url, await checkOne(url, o));
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, unique.length) }, worker));
  return urls.map((u) => results.get(u)!);
}
