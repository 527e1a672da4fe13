import { CredentialsError, PermanentError, RateLimitedError, RetryableError } from '../channel-adapter';
import { weiboError, weiboErrorCode } from './weibo-errors';

describe('weibo error mapping', () => {
  it('reads error_code as a string or a number', () => {
    expect(weiboErrorCode({ request: '/2/statuses/share.json', error_code: '20019', error: 'Repeat content!' })).toBe(20019);
    expect(weiboErrorCode({ error_code: 21327 })).toBe(21327);
    expect(weiboErrorCode({ id: 1 })).toBeNull();
    expect(weiboErrorCode(undefined)).toBeNull();
  });

  it.each([10022, 10023, 10024, 20016])('%i is a rate limit with a wait', (code) => {
    const e = weiboError(code, 'out of rate limit');
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(15 * 60_000);
    expect(e.code).toBe(`WEIBO_${code}`);
  });

  it.each([21315, 21327, 21332])('%i is a credentials problem for the operator', (code) => {
    const e = weiboError(code, 'expired_token');
    expect(e).toBeInstanceOf(CredentialsError);
    expect((e as CredentialsError).refreshable).toBe(false);
  });

  it.each([20012, 20018, 20020, 20021, 10017, 10014, 20019, 20017])('%i is permanent with the platform message', (code) => {
    const e = weiboError(code, 'platform says no');
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain(`微博错误码 ${code}：platform says no`);
  });

  it('system errors are retryable', () => {
    expect(weiboError(10001)).toBeInstanceOf(RetryableError);
  });
});
