import { readTestState } from '@app/test/utils/test-env';
import { uniqueQueuePrefix } from '@app/test/utils/test-db';
import { FetchedToken, WechatTokenStore } from './wechat-token.store';

/** Two stores on one Redis stand for two worker processes. */
describe('WechatTokenStore (real Redis)', () => {
  const prefix = uniqueQueuePrefix('wxtok');
  const a = new WechatTokenStore({ redisUrl: readTestState().redisUrl, keyPrefix: prefix, pollMs: 10 });
  const b = new WechatTokenStore({ redisUrl: readTestState().redisUrl, keyPrefix: prefix, pollMs: 10 });
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

  it('keys are per base URL and appid', () => {
    expect(a.key('http://sim/wechat', 'wx1')).not.toBe(a.key('https://api.weixin.qq.com', 'wx1'));
    expect(a.key('http://sim/wechat/', 'wx1')).toBe(a.key('http://sim/wechat', 'wx1'));
    expect(a.key('http://sim/wechat', 'wx1').startsWith(`${prefix}:wechat:token:`)).toBe(true);
  });
});
