import axios from 'axios';
import * as http from 'http';
import * as https from 'https';
import { isIP } from 'net';
import { promises as dns } from 'dns';
import { LinkRefusedError, pinnedLookup, resolvePublicAddress, VettedAddress } from '@app/common/net/ssrf-guard';

/** A page of the old site that cannot be read, with the reason an operator reads (Chinese). */
export class PageProblem extends Error {
  constructor(
    readonly reason: string,
    readonly permanent = true,
  ) {
    super(reason);
    this.name = 'PageProblem';
  }
}

export interface FetchedResource {
  url: string;
  status: number;
  contentType: string;
  data: Buffer;
}

export interface ImportFetcherOptions {
  /** Host names (IMPORT_ALLOWED_HOSTS) that may resolve to private or loopback addresses. */
  allowedHosts: ReadonlySet<string>;
  /** Least milliseconds between two request starts (politeness towards the old site). */
  intervalMs: number;
  timeoutMs?: number;
}

const MAX_REDIRECTS = 3;
export const PAGE_MAX_BYTES = 5 * 1024 * 1024;
export const FILE_MAX_BYTES = 30 * 1024 * 1024;
export const IMPORT_USER_AGENT = 'Mozilla/5.0 (compatible; GovDisclosureImporter/1.0)';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads the old site for an import: every request goes through the SSRF guard (public addresses only,
 * the connection pinned to the address vetted, each redirect vetted again) unless its host is on the
 * import allow-list, which lifts the guard for imports and nothing else. Requests are spaced by
 * `intervalMs` whatever the concurrency of the caller, bodies are capped, and every call has a timeout.
 */
export class ImportFetcher {
  private nextStart = 0;

  constructor(private readonly o: ImportFetcherOptions) {}

  /** The reason a URL must not be fetched (Chinese), or null. Resolves the host. */
  async refusal(raw: string): Promise<string | null> {
    try {
      await this.vet(raw);
      return null;
    } catch (e) {
      if (e instanceof PageProblem) return e.reason;
      throw e;
    }
  }

  private async vet(raw: string): Promise<{ url: URL; vetted: VettedAddress }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new PageProblem(`地址无效：${short(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PageProblem(`只能读取 http(s) 地址：${short(raw)}`);
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    try {
      if (this.o.allowedHosts.has(host)) {
        const literal = isIP(host);
        if (literal) return { url, vetted: { address: host, family: literal === 6 ? 6 : 4 } };
        const a = await dns.lookup(host);
        return { url, vetted: { address: a.address, family: a.family === 6 ? 6 : 4 } };
      }
      return { url, vetted: await resolvePublicAddress(host) };
    } catch (e) {
      if (e instanceof LinkRefusedError) {
        throw new PageProblem(`主机 ${host} 指向内部网络地址（${e.address}），出于安全考虑不予读取；如确为旧网站，请由管理员将其加入 IMPORT_ALLOWED_HOSTS`);
      }
      throw new PageProblem(`主机 ${host} 无法解析（${(e as { code?: string }).code ?? (e as Error).message}）`, false);
    }
  }

  private async slot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextStart);
    this.nextStart = at + this.o.intervalMs;
    if (at > now) await sleep(at - now);
  }

  /** GET a resource; 4xx and refused addresses are permanent problems, network errors and 5xx are not. */
  async get(raw: string, maxBytes = PAGE_MAX_BYTES, hops = 0): Promise<FetchedResource> {
    const { url, vetted } = await this.vet(raw);
    await this.slot();
    const agentOptions = { lookup: pinnedLookup(vetted), keepAlive: false };
    let r;
    try {
      r = await axios.get<ArrayBuffer>(url.toString(), {
        responseType: 'arraybuffer',
        timeout: this.o.timeoutMs ?? 20_000,
        maxContentLength: maxBytes,
        maxRedirects: 0,
        validateStatus: () => true,
        proxy: false,
        httpAgent: new http.Agent(agentOptions),
        httpsAgent: new https.Agent(agentOptions),
        headers: { 'User-Agent': IMPORT_USER_AGENT, Accept: '*/*' },
      });
    } catch (e) {
      const m = (e as Error).message ?? '';
      if (/maxContentLength/i.test(m)) throw new PageProblem(`文件过大（超过 ${Math.round(maxBytes / 1024 / 1024)} MB）：${short(url.toString())}`);
      throw new PageProblem(`无法连接（${(e as { code?: string }).code ?? m}）：${short(url.toString())}`, false);
    }
    if (r.status >= 300 && r.status < 400 && r.headers.location) {
      if (hops >= MAX_REDIRECTS) throw new PageProblem(`重定向次数过多：${short(url.toString())}`);
      return this.get(new URL(String(r.headers.location), url).toString(), maxBytes, hops + 1);
    }
    if (r.status >= 400 && r.status < 500) throw new PageProblem(`无法获取（HTTP ${r.status}）：${short(url.toString())}`);
    if (r.status >= 300) throw new PageProblem(`暂时无法获取（HTTP ${r.status}）：${short(url.toString())}`, false);
    return { url: url.toString(), status: r.status, contentType: String(r.headers['content-type'] ?? ''), data: Buffer.from(r.data) };
  }
}

export function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
