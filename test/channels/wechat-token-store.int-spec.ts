import IORedis from 'ioredis';
import { readTestState } from '@app/test/utils/test-env';
import { uniqueQueuePrefix } from '@app/test/utils/test-db';
import { FetchedToken, WechatTokenStore } from '@app/channels/wechat/wechat-token.store';

/** Two stores on one Redis stand for two worker processes. */
describe('WechatTokenStore (real Redis)', () => {
  const prefix = uniqueQueuePrefix('wxtok');
  const KEY = 'c'.repeat(64);
  const a = new WechatTokenStore({ redisUrl: readTestState().redisUrl, keyPrefix: prefix, encryptionKey: KEY, pollMs: 10 });
  const b = new WechatTokenStore({ redisUrl: readTestState().redisUrl, keyPrefix: prefix, encryptionKey: KEY, pollMs: 10 });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  function platform(expiresInS = 7200, delayMs = 50) {
    let n = 0;
    const calls: (string | null)[] = [];
    const fetch = async (avoid: string | null): Promise<FetchedToken> => {
      calls.push(avoid);
      await new Promise((r) => setTimeout(r, delayMs));
      return { token: `T${++n}`, expiresInS };
    };
    return { fetch, calls };
  }

  it('fetches once for many concurrent callers across processes, then serves from the cache', async () => {
    const key = a.key('http://sim/wechat', 'wx-single');
    const p = platform();
    const got = await Promise.all([...Array(5)].map((_, i) => (i % 2 ? a : b).get(key, p.fetch)));
    expect(new Set(got)).toEqual(new Set(['T1']));
    expect(p.calls).toHaveLength(1);
    expect(await b.get(key, p.fetch)).toBe('T1');
    expect(p.calls).toHaveLength(1);
  });

  it('refreshes before expiry (half the lifetime for short-lived tokens)', async () => {
    const key = a.key('http://sim/wechat', 'wx-short');
    const p = platform(1, 0);
    expect(await a.get(key, p.fetch)).toBe('T1');
    const cached = await a.peek(key);
    expect(cached!.refreshAt - cached!.expiresAt).toBe(-500);
    await new Promise((r) => setTimeout(r, 600));
    expect(await a.get(key, p.fetch)).toBe('T2');
  });

  it('invalidate drops only the bad token, and a refresh avoiding it fetches a new one once', async () => {
    const key = a.key('http://sim/wechat', 'wx-bad');
    const p = platform();
    expect(await a.get(key, p.fetch)).toBe('T1');
    await a.invalidate(key, 'not-the-cached-one');
    expect((await a.peek(key))?.token).toBe('T1');
    await Promise.all([a.invalidate(key, 'T1'), b.invalidate(key, 'T1')]);
    const [x, y] = await Promise.all([a.get(key, p.fetch, 'T1'), b.get(key, p.fetch, 'T1')]);
    expect([x, y]).toEqual(['T2', 'T2']);
    expect(p.calls).toEqual([null, 'T1']);
  });

  it('seals the token in Redis; a plain-text entry of an older release or another key counts as none', async () => {
    const key = a.key('http://sim/wechat', 'wx-sealed');
    const p = platform(7200, 0);
    const token = await a.get(key, async (avoid) => ({ ...(await p.fetch(avoid)), token: 'SECRET-TOKEN-VALUE-0123456789' }));
    const redis = new IORedis(readTestState().redisUrl);
    try {
      const raw = (await redis.get(key))!;
      expect(raw).not.toContain(token);
      expect(raw).not.toContain('SECRET');
      expect((await b.peek(key))!.token).toBe(token);
      const other = new WechatTokenStore({ redisUrl: readTestState().redisUrl, keyPrefix: prefix, encryptionKey: 'd'.repeat(64) });
      expect(await other.peek(key)).toBeNull();
      await other.close();
      await redis.set(key, JSON.stringify({ token: 'PLAIN', expiresAt: Date.now() + 60_000, refreshAt: Date.now() + 60_000 }));
      expect(await a.peek(key)).toBeNull();
      await a.invalidate(key, 'whatever');
      expect(await redis.get(key)).toBeNull();
    } finally {
      await redis.quit();
    }
  });

  it('keys are per base URL and appid', () => {
    expect(a.key('http://sim/wechat', 'wx1')).not.toBe(a.key('https://api.weixin.qq.com', 'wx1'));
    expect(a.key('http://sim/wechat/', 'wx1')).toBe(a.key('http://sim/wechat', 'wx1'));
    expect(a.key('http://sim/wechat', 'wx1').startsWith(`${prefix}:wechat:token:`)).toBe(true);
  });

  it('hands a cached token only to callers with the credentials it was fetched with; modes have their own entries', async () => {
    const key = a.key('http://sim/wechat', 'wx-bound');
    expect(a.key('http://sim/wechat', 'wx-bound', 'token')).not.toBe(key);
    const right = a.binding('wx-bound', 'right-secret');
    const wrong = a.binding('wx-bound', 'typo-secret');
    expect(right).not.toBe(wrong);
    const p = platform();
    expect(await a.get(key, p.fetch, null, right)).toBe('T1');
    // the wrong secret must reach the platform (and fail there) instead of riding on T1
    await expect(
      b.get(
        key,
        async () => {
          throw new Error('40001 invalid credential');
        },
        null,
        wrong,
      ),
    ).rejects.toThrow('40001');
    expect(await b.get(key, p.fetch, null, right)).toBe('T1');
    expect(p.calls).toHaveLength(1);
    const raw = JSON.stringify(await a.peek(key));
    expect(raw).not.toContain('right-secret');
  });
});
