import { CredentialsError, PermanentError, RateLimitedError, RetryableError } from '../channel-adapter';
import { isDuplicateContent, isSlowUpdate, weiboError, weiboErrorCode } from './weibo-errors';

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

describe('codes whose number the error tables disagree on (the text decides)', () => {
  it('"Update success, while server slow now" is a success, as 20032 or as the older 20020', () => {
    expect(isSlowUpdate(20032, 'Update success, while server slow now, please wait 1-2 minutes')).toBe(true);
    expect(isSlowUpdate(20020, 'Update success, while server slow now, please wait 1-2 minutes')).toBe(true);
    expect(isSlowUpdate(20032, '')).toBe(true);
    expect(isSlowUpdate(20020, 'Contain advertising!')).toBe(false);
  });
  it('"repeat / similar content" whatever the number; not when the text says otherwise', () => {
    expect(isDuplicateContent(20019, 'Repeat content!')).toBe(true);
    expect(isDuplicateContent(20019, 'Repeat conetnt')).toBe(true);
    expect(isDuplicateContent(20111, 'Repeated weibo text')).toBe(true);
    expect(isDuplicateContent(20017, '')).toBe(true);
    expect(isDuplicateContent(20019, 'Test and verify')).toBe(false);
    expect(isDuplicateContent(20017, 'Content is illegal')).toBe(false);
    expect(isDuplicateContent(20018, 'Contain illegal website!')).toBe(false);
  });
});
