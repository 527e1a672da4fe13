import { wechatSignature } from './wechat-publish';
import { AppError } from '@app/common/errors/app-error';
import { assertGenuineCallback, CALLBACK_MAX_SKEW_S } from './wechat-callback-guard';

const NOW = 1_765_000_000_000;
const signed = (token: string, ts: number, nonce = '12345') => ({ signature: wechatSignature(token, String(ts), nonce), timestamp: String(ts), nonce });
const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(403);
    return (e as AppError).code;
  }
};

describe('assertGenuineCallback', () => {
  const t = Math.floor(NOW / 1000);

  it('accepts a signature of the Token with a timestamp within the window, either side', () => {
    for (const ts of [t, t - CALLBACK_MAX_SKEW_S, t + CALLBACK_MAX_SKEW_S])
      expect(codeOf(() => assertGenuineCallback('tok', signed('tok', ts), NOW))).toBeNull();
  });

  it('refuses everything for an account without a callback Token', () => {
    expect(codeOf(() => assertGenuineCallback(null, signed('tok', t), NOW))).toBe('CALLBACK_NOT_CONFIGURED');
    expect(codeOf(() => assertGenuineCallback(null, {}, NOW))).toBe('CALLBACK_NOT_CONFIGURED');
  });

  it('refuses a missing or wrong signature before looking at the time', () => {
    expect(codeOf(() => assertGenuineCallback('tok', {}, NOW))).toBe('CALLBACK_SIGNATURE_INVALID');
    expect(codeOf(() => assertGenuineCallback('tok', signed('other', t), NOW))).toBe('CALLBACK_SIGNATURE_INVALID');
    expect(codeOf(() => assertGenuineCallback('tok', { ...signed('tok', t), nonce: '54321' }, NOW))).toBe('CALLBACK_SIGNATURE_INVALID');
    expect(codeOf(() => assertGenuineCallback('tok', signed('other', t - 86_400), NOW))).toBe('CALLBACK_SIGNATURE_INVALID');
  });

  it('refuses a signed callback whose timestamp is out of the window or not a number', () => {
    for (const ts of [t - CALLBACK_MAX_SKEW_S - 1, t + CALLBACK_MAX_SKEW_S + 1, 0])
      expect(codeOf(() => assertGenuineCallback('tok', signed('tok', ts), NOW))).toBe('CALLBACK_STALE');
    const odd = { signature: wechatSignature('tok', '1e9', '1'), timestamp: '1e9', nonce: '1' };
    expect(codeOf(() => assertGenuineCallback('tok', odd, NOW))).toBe('CALLBACK_STALE');
  });
});
