import * as crypto from 'crypto';
import IORedis from 'ioredis';
import { SecretBox } from '@app/common/crypto/secret-box';
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
  /**
   * Digest of the credentials the token was fetched with (inside the sealed entry). A caller with other
   * credentials for the same appid does not get this token: a mistyped AppSecret must fail, not ride on
   * a token another account (or the previous secret) obtained.
   */
  binding?: string;
}

/** Fetches a token from the platform. `avoid` is a token known to be bad (the platform must not hand it back). */
export type TokenFetcher = (avoid: string | null) => Promise<FetchedToken>;

export interface TokenStoreOptions {
  redisUrl: string;
  keyPrefix: string;
  /** ENCRYPTION_KEY: the cached token is sealed with it, so reading Redis does not give the account away. */
  encryptionKey: string;
  /** How long one process may hold the refresh lock. */
  lockMs?: number;
  /** How often a process waiting for another one's refresh looks again. */
  pollMs?: number;
}

const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// The stored value is {"h": sha256(token), "s": sealed entry}: Lua compares the digest, never the token.
const DROP_IF_SAME = `local v = redis.call('get', KEYS[1]) if v then local ok, d = pcall(cjson.decode, v) if not ok or type(d) ~= 'table' or d.h == nil or d.h == ARGV[1] then return redis.call('del', KEYS[1]) end end return 0`;

function digest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * The one place that owns an account's access_token (CHANNELS.md: fetching a token invalidates the
 * previous one after 5 minutes, so two workers each fetching their own would knock each other out).
 *
 * - cached in Redis under the installation's prefix, shared by every api and worker process, sealed
 *   with ENCRYPTION_KEY (AES-256-GCM) beside a SHA-256 digest that `invalidate` compares;
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
  private readonly box: SecretBox;

  constructor(private readonly o: TokenStoreOptions) {
    this.box = new SecretBox(o.encryptionKey);
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

  /**
   * Cache key of one platform account and token mode (the same appid on another base URL is another
   * account; stable_token and /cgi-bin/token hand out separate tokens, "完全隔离，互不影响"). The secret is
   * not in the key but bound inside the sealed entry (`binding`), so one appid keeps one entry per mode.
   */
  key(baseUrl: string, appid: string, mode: 'stable' | 'token' = 'stable'): string {
    const base = `${baseUrl.replace(/\/+$/, '')}|${appid}`;
    const id = crypto
      .createHash('sha1')
      .update(mode === 'token' ? base : `${base}|stable`)
      .digest('hex')
      .slice(0, 24);
    return `${this.o.keyPrefix}:wechat:token:${id}`;
  }

  /** Binding of a token to the credentials it was fetched with: an HMAC, so the entry reveals nothing of the secret. */
  binding(appid: string, secret: string): string {
    return crypto.createHmac('sha256', this.o.encryptionKey).update(`${appid}\0${secret}`).digest('hex');
  }

  /**
   * A valid token for the account; fetches (once, system-wide) when none is cached or it is due.
   * `binding`: only a token fetched with the same credentials is handed out (see CachedToken.binding).
   */
  async get(key: string, fetch: TokenFetcher, avoid: string | null = null, binding?: string): Promise<string> {
    const flightKey = `${key}|${avoid ?? ''}|${binding ?? ''}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const p = this.getShared(key, fetch, avoid, binding).finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, p);
    return p;
  }

  /** Forgets `bad` (a token the platform refused) unless another process already replaced it. */
  async invalidate(key: string, bad: string): Promise<void> {
    await this.redisCall(() => this.client().eval(DROP_IF_SAME, 1, key, digest(bad)));
  }

  /** The cached entry, opened; an entry that does not open (plain text of an older release, another key) counts as none. */
  async peek(key: string): Promise<CachedToken | null> {
    const raw = await this.redisCall(() => this.client().get(key));
    if (!raw) return null;
    try {
      const stored = JSON.parse(raw) as { h?: string; s?: string };
      if (typeof stored.s !== 'string') return null;
      return JSON.parse(this.box.open(stored.s)) as CachedToken;
    } catch {
      this.log.warn({ key }, 'cached token unreadable: fetching a new one');
      return null;
    }
  }

  private seal(entry: CachedToken): string {
    return JSON.stringify({ h: digest(entry.token), s: this.box.seal(JSON.stringify(entry)) });
  }

  async close(): Promise<void> {
    const r = this.redis;
    this.redis = null;
    if (r) await r.quit().catch(() => r.disconnect());
  }

  private usable(c: CachedToken | null, avoid: string | null, binding?: string): c is CachedToken {
    return !!c && c.token !== avoid && Date.now() < c.refreshAt && (binding === undefined || c.binding === binding);
  }

  private async getShared(key: string, fetch: TokenFetcher, avoid: string | null, binding?: string): Promise<string> {
    const deadline = Date.now() + this.lockMs * 2 + 5_000;
    for (;;) {
      const cached = await this.peek(key);
      if (this.usable(cached, avoid, binding)) return cached.token;
      const owner = crypto.randomBytes(12).toString('hex');
      const locked = await this.redisCall(() => this.client().set(`${key}:lock`, owner, 'PX', this.lockMs, 'NX'));
      if (locked === 'OK') {
        try {
          // Someone may have refreshed between our read and our lock.
          const again = await this.peek(key);
          if (this.usable(again, avoid, binding)) return again.token;
          const fetched = await fetch(avoid);
          const now = Date.now();
          const lifeMs = Math.max(1, fetched.expiresInS) * 1000;
          const entry: CachedToken = { token: fetched.token, expiresAt: now + lifeMs, refreshAt: now + lifeMs - Math.min(300_000, lifeMs / 2), binding };
          await this.redisCall(() => this.client().set(key, this.seal(entry), 'PX', lifeMs));
          return fetched.token;
        } finally {
          await this.redisCall(() => this.client().eval(RELEASE_LOCK, 1, `${key}:lock`, owner)).catch(() => undefined);
        }
      }
      // Another process is fetching: wait for its token to appear, or for its lock to lapse.
      while (Date.now() < deadline) {
        await sleep(this.pollMs);
        const c = await this.peek(key);
        if (this.usable(c, avoid, binding)) return c.token;
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
