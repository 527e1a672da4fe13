import { CredentialsError, PermanentError, RateLimitedError, RetryableError } from '../channel-adapter';
import { errcodeOf, msUntilBeijingMidnight, publishStatusError, wechatError } from './wechat-errors';

describe('wechat errcode mapping', () => {
  it('-1 (busy) is retryable', () => {
    expect(wechatError(-1, 'system error')).toBeInstanceOf(RetryableError);
  });
  it('45009 waits until Beijing midnight, 45011 a minute', () => {
    const now = new Date('2026-03-01T15:30:00Z'); // 23:30 in Beijing
    const daily = wechatError(45009, 'reach max api daily quota limit', now) as RateLimitedError;
    expect(daily).toBeInstanceOf(RateLimitedError);
    expect(daily.retryAfterMs).toBe(30 * 60_000 + 60_000);
    expect((wechatError(45011) as RateLimitedError).retryAfterMs).toBe(60_000);
    expect(msUntilBeijingMidnight(new Date('2026-03-01T16:00:00Z'))).toBe(24 * 3600_000);
  });
  it.each([40001, 40014, 42001, 41001])('%i is a token problem to refresh', (code) => {
    const e = wechatError(code);
    expect(e).toBeInstanceOf(CredentialsError);
    expect((e as CredentialsError).refreshable).toBe(true);
  });
  it.each([40164, 48001, 40125, 40013])('%i goes to the operator', (code) => {
    const e = wechatError(code, 'invalid ip 1.2.3.4, not in whitelist rid: 1-2-3');
    expect(e).toBeInstanceOf(CredentialsError);
    expect((e as CredentialsError).refreshable).toBe(false);
  });
  it('40164 says what to do, with the platform code and message (request id trimmed)', () => {
    const e = wechatError(40164, 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 64a1-22b3-11c4');
    expect(e.message).toContain('IP白名单');
    expect(e.message).toContain('微信错误码 40164：invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist');
    expect(e.message).not.toContain('rid:');
  });
  it.each([45002, 45003, 45166, 47001, 40007, 53503, 40005, 40009, 45110, 12345])('%i is permanent', (code) => {
    const e = wechatError(code, 'x');
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.code).toBe(`WECHAT_${code}`);
  });
  it('publish status failures carry the reason and the status', () => {
    const e = publishStatusError(4, [1]);
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.code).toBe('WECHAT_PUBLISH_STATUS_4');
    expect(e.message).toBe('微信发布失败：平台审核不通过（publish_status=4，失败的文章序号：1）');
    expect(publishStatusError(2).message).toContain('原创声明检查未通过');
    expect(publishStatusError(6).message).toContain('系统封禁');
  });
  it('errcode is read from numbers and numeric strings; absent means success', () => {
    expect(errcodeOf({ errcode: 0, errmsg: 'ok', publish_id: 1 })).toBe(0);
    expect(errcodeOf({ media_id: 'x' })).toBe(0);
    expect(errcodeOf({ errcode: '45009' })).toBe(45009);
    expect(errcodeOf({ errcode: -1 })).toBe(-1);
  });
});
