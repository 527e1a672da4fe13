import * as crypto from 'crypto';
import IORedis from 'ioredis';
import { componentLogger } from '@app/common/logging/logger';
import { RetryableError } from '../channel-adapter';

export interface FetchedToken {
  token: string;
  expiresInS: number;
}

interface CachedToken {
  token: string;
  /** epoch ms: the platform stops accepting it */
  expiresAt: number;
  /** epoch ms: we stop handing it out and fetch a new one */
  refreshAt: number;
}

/** Fetches a token from the platform. `avoid` is a token known to be bad (the platform must not hand it back). */
export type TokenFetcher = (avoid: string | null) => Promise<FetchedToken>;

export interface TokenStoreOptions {
  redisUrl: string;
  keyPrefix: string;
  /** How long one process may hold the refresh lock. */
  lockMs?: number;
  /** How often a process waiting for another one's refresh looks again. */
  pollMs?: number;
}

const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const DROP_IF_SAME = `local v = redis.call('get', KEYS[1]) if v and cjson.decode(v).token == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The one place that owns an account's access_token (CHANNELS.md: fetching a token invalidates the
 * previous one after 5 minutes, so two workers each fetching their own would knock each other out).
 *
 * - cached in Redis under the installation's prefix, shared by every api and worker process;
 * - handed out until shortly before expiry (5 minutes, or half the lifetime for short-lived tokens),
 *   then refreshed;
 * - single flight: in-process callers share one promise; across processes the refresher holds a
 *   Redis lock (SET NX PX) and the others wait for the new value to appear;
 * - `invalidate(bad)` drops the cached token only if it is still the bad one, so a stale 40001 from a
 *   slow worker cannot throw away a token another worker has just fetched.
 */
export class WechatTokenStore {
  private readonly log = componentLogger('wechat-token');
  private redis: IORedis | null = null;
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly lockMs: number;
  private readonly pollMs: number;

  constructor(private readonly o: TokenStoreOptions) {
    this.lockMs = o.lockMs ?? 15_000;
    this.pollMs = o.pollMs ?? 50;
  }

  private client(): IORedis {
    if (!this.redis) {
      this.redis = new IORedis(this.o.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 3000, lazyConnect: false });
      this.redis.on('error', (e) => this.log.warn({ err: e.message }, 'redis error'));
    }
    return this.redis;
  }

  /** Cache key of one platform account (the same appid on another base URL is another account). */
  key(baseUrl: string, appid: string): string {
    const id = crypto.createHash('sha1').update(`${baseUrl.replace(/\/+$/, '')}|${appid}`).digest('hex').slice(0, 24);
    return `${this.o.keyPrefix}:wechat:token:${id}`;
  }

  /** A valid token for the account; fetches (once, system-wide) when none is cached or it is due. */
  async get(key: string, fetch: TokenFetcher, avoid: string | null = null): Promise<string> {
    const flightKey = `${key}|${avoid ?? ''}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const p = this.getShared(key, fetch, avoid).finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, p);
    return p;
  }

  /** Forgets `bad` (a token the platform refused) unless another process already replaced it. */
  async invalidate(key: string, bad: string): Promise<void> {
    await this.redisCall(() => this.client().eval(DROP_IF_SAME, 1, key, bad));
  }

  async peek(key: string): Promise<CachedToken | null> {
    const raw = await this.redisCall(() => this.client().get(key));
    return raw ? (JSON.parse(raw) as CachedToken) : null;
  }

  async close(): Promise<void> {
    const r = this.redis;
    this.redis = null;
    if (r) await r.quit().catch(() => r.disconnect());
  }

  private usable(c: CachedToken | null, avoid: string | null): c is CachedToken {
    return !!c && c.token !== avoid && Date.now() < c.refreshAt;
  }

  private async getShared(key: string, fetch: TokenFetcher, avoid: string | null): Promise<string> {
    const deadline = Date.now() + this.lockMs * 2 + 5_000;
    for (;;) {
      const cached = await this.peek(key);
      if (this.usable(cached, avoid)) return cached.token;
      const owner = crypto.randomBytes(12).toString('hex');
      const locked = await this.redisCall(() => this.client().set(`${key}:lock`, owner, 'PX', this.lockMs, 'NX'));
      if (locked === 'OK') {
        try {
          // Someone may have refreshed between our read and our lock.
          const again = await this.peek(key);
          if (this.usable(again, avoid)) return again.token;
          const fetched = await fetch(avoid);
          const now = Date.now();
          const lifeMs = Math.max(1, fetched.expiresInS) * 1000;
          const entry: CachedToken = { token: fetched.token, expiresAt: now + lifeMs, refreshAt: now + lifeMs - Math.min(300_000, lifeMs / 2) };
          await this.redisCall(() => this.client().set(key, JSON.stringify(entry), 'PX', lifeMs));
          return fetched.token;
        } finally {
          await this.redisCall(() => this.client().eval(RELEASE_LOCK, 1, `${key}:lock`, owner)).catch(() => undefined);
        }
      }
      // Another process is fetching: wait for its token to appear, or for its lock to lapse.
      while (Date.now() < deadline) {
        await sleep(this.pollMs);
        const c = await this.peek(key);
        if (this.usable(c, avoid)) return c.token;
        const holder = await this.redisCall(() => this.client().exists(`${key}:lock`));
        if (!holder) break;
      }
      if (Date.now() >= deadline) throw new RetryableError('WECHAT_TOKEN_BUSY', '等待其他进程获取微信 access_token 超时，稍后重试');
    }
  }

  private async redisCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      // Without the shared cache we must not fetch tokens on our own (that would knock out the
      // other workers' token): wait for Redis.
      throw new RetryableError('TOKEN_CACHE_UNAVAILABLE', `微信 access_token 缓存（Redis）不可用：${(e as Error).message}`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
