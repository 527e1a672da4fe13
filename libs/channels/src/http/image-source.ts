import axios, { AxiosError } from 'axios';
import * as http from 'http';
import * as https from 'https';
import { LinkRefusedError, pinnedLookup, resolvePublicAddress } from '@app/common/net/ssrf-guard';
import { PermanentError, RetryableError } from '../channel-adapter';

export const IMAGE_SOURCE_MAX_BYTES = 30 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Reads the bytes of an image an item refers to: a data: URL, an absolute http(s) URL, or a path
 * relative to the item's portal page (the editor stores uploads on the portal site). Other schemes
 * (file:, ftp:...) are refused: the server must never read its own files on an editor's say-so.
 *
 * A missing image (4xx) is permanent; an unreachable host is retryable.
 *
 * Images on the portal's own site (the origin of `baseUrl`, which the operator configured) are read
 * as they are. Any other address is an editor's say-so read from inside the government network, so
 * it must resolve to public addresses only (no loopback, private, link-local or cloud-metadata
 * address: SSRF), the connection is pinned to the address vetted, and each redirect is vetted again.
 */
export async function loadImageBytes(src: string, baseUrl: string, o: { timeoutMs?: number; maxBytes?: number } = {}, hops = 0): Promise<Buffer> {
  const maxBytes = o.maxBytes ?? IMAGE_SOURCE_MAX_BYTES;
  const s = src.trim();
  if (/^data:/i.test(s)) return decodeDataUrl(s, maxBytes);
  let url: URL;
  try {
    url = new URL(s, baseUrl);
  } catch {
    throw new PermanentError('IMAGE_URL_INVALID', `图片地址无效：${short(s)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError('IMAGE_URL_SCHEME', `图片地址只能是 http(s) 或 data: 地址：${short(s)}`);
  }
  const own = sameOrigin(url, baseUrl);
  let pinned: { httpAgent: http.Agent; httpsAgent: https.Agent } | null = null;
  if (!own) {
    try {
      const vetted = await resolvePublicAddress(url.hostname);
      const agentOptions = { lookup: pinnedLookup(vetted), keepAlive: false };
      pinned = { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
    } catch (e) {
      if (e instanceof LinkRefusedError) {
        throw new PermanentError(
          'IMAGE_URL_REFUSED',
          `图片地址指向内部网络（${e.address}），出于安全考虑不予读取，请把图片上传到网站后引用：${short(url.toString())}`,
        );
      }
      throw new RetryableError(
        'IMAGE_FETCH_FAILED',
        `图片地址暂时无法解析（${(e as { code?: string }).code ?? (e as Error).message}）：${short(url.toString())}`,
      );
    }
  }
  try {
    const r = await axios.get<ArrayBuffer>(url.toString(), {
      responseType: 'arraybuffer',
      timeout: o.timeoutMs ?? 20_000,
      maxContentLength: maxBytes,
      validateStatus: () => true,
      proxy: false,
      // outside the portal every hop is vetted here, not followed blindly
      ...(pinned ? { ...pinned, maxRedirects: 0 } : {}),
    });
    if (pinned && r.status >= 300 && r.status < 400 && r.headers.location) {
      if (hops >= MAX_REDIRECTS) throw new PermanentError('IMAGE_FETCH_FAILED', `图片地址重定向次数过多：${short(url.toString())}`);
      return loadImageBytes(new URL(String(r.headers.location), url).toString(), baseUrl, o, hops + 1);
    }
    if (r.status >= 400 && r.status < 500) {
      throw new PermanentError('IMAGE_NOT_FOUND', `图片无法获取（HTTP ${r.status}）：${short(url.toString())}`);
    }
    if (r.status >= 300) throw new RetryableError('IMAGE_FETCH_FAILED', `图片暂时无法获取（HTTP ${r.status}）：${short(url.toString())}`);
    return Buffer.from(r.data);
  } catch (e) {
    if (e instanceof PermanentError || e instanceof RetryableError) throw e;
    const ae = e as AxiosError;
    if (/maxContentLength/i.test(ae.message ?? '')) {
      throw new PermanentError('IMAGE_TOO_LARGE', `图片文件过大（超过 ${Math.round(maxBytes / 1024 / 1024)} MB）：${short(url.toString())}`);
    }
    throw new RetryableError('IMAGE_FETCH_FAILED', `图片暂时无法获取（${ae.code ?? ae.message}）：${short(url.toString())}`);
  }
}

export function decodeDataUrl(s: string, maxBytes = IMAGE_SOURCE_MAX_BYTES): Buffer {
  const m = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$/is.exec(s);
  if (!m) throw new PermanentError('IMAGE_URL_INVALID', '图片的 data: 地址格式不正确');
  const payload = m[4];
  // base64 inflates by 4/3: refuse before decoding what would be too large anyway
  if (payload.length > (maxBytes * 4) / 3 + 4) throw new PermanentError('IMAGE_TOO_LARGE', `图片文件过大（超过 ${Math.round(maxBytes / 1024 / 1024)} MB）`);
  return m[3] ? Buffer.from(payload.replace(/\s+/g, ''), 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
}

function sameOrigin(url: URL, baseUrl: string): boolean {
  try {
    return new URL(baseUrl).origin === url.origin;
  } catch {
    return false;
  }
}

function short(s: string): string {
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

/** Loads each source once per delivery or preview (the same picture is often body image and cover). */
export class ImageLoader {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly baseUrl: string,
    /** local: reads sources held on this side (private uploads) and answers null for the rest, which are fetched. */
    private readonly o: { timeoutMs?: number; maxBytes?: number; local?: (src: string) => Promise<Buffer | null> } = {},
  ) {}

  load(src: string): Promise<Buffer> {
    let p = this.cache.get(src);
    if (!p) {
      const local = this.o.local;
      p = local ? local(src).then((b) => b ?? loadImageBytes(src, this.baseUrl, this.o)) : loadImageBytes(src, this.baseUrl, this.o);
      // a failed load is not cached: the next caller may try again
      p.catch(() => this.cache.delete(src));
      this.cache.set(src, p);
    }
    return p;
  }
}
