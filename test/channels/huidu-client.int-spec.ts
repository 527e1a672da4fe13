import { huiduSign as simSign } from '@app/channel-sim/huidu/huidu-sign';
import { CredentialsError, PermanentError, RetryableError } from '@app/channels/channel-adapter';
import { classifyHuidu, huiduSign } from '@app/channels/led/huidu-client';

const res = (status: number, body: any) => ({ status, body, text: JSON.stringify(body), durationMs: 1 });

describe('Huidu HTTP SDK client', () => {
  it('signs HMAC-MD5(body + sdkKey + date, sdkSecret) as the controller (and the simulator) checks it', () => {
    const body = '{"method":"replace","data":[]}';
    const date = 'Sat, 21 Nov 2026 12:00:00 GMT';
    const sign = huiduSign(body, 'key-1', date, 'secret-1');
    expect(sign).toMatch(/^[0-9a-f]{32}$/);
    expect(sign).toBe(simSign(body, 'key-1', date, 'secret-1'));
    expect(huiduSign(body + ' ', 'key-1', date, 'secret-1')).not.toBe(sign);
  });

  it('reads acknowledgement per device and classifies each failure', () => {
    const c = classifyHuidu('HD-1');
    expect(c(res(200, { method: 'replace', message: 'ok', data: [{ id: 'HD-1', message: 'ok', data: 'kSuccess' }] }))).toBeNull();
    const sign = c(res(403, { message: 'failed', data: 'invalid sign' }));
    expect(sign).toBeInstanceOf(CredentialsError);
    expect(sign!.code).toBe('HUIDU_AUTH_FAILED');
    expect(c(res(403, { message: 'failed', data: 'date out of range' }))!.code).toBe('HUIDU_DATE_SKEW');
    const offline = c(res(200, { method: 'replace', message: 'failed', data: [{ id: 'HD-1', message: 'failed', data: 'kDeviceOffline: device not online' }] }));
    expect(offline).toBeInstanceOf(RetryableError);
    expect(c(res(200, { message: 'failed', data: [{ id: 'HD-1', message: 'failed', data: 'kDeviceNotExist: device not found' }] }))).toBeInstanceOf(
      CredentialsError,
    );
    expect(c(res(200, { message: 'failed', data: [{ id: 'HD-1', message: 'failed', data: 'kInvalidArea: program x: area[0] exceeds' }] }))).toBeInstanceOf(
      PermanentError,
    );
    expect(c(res(200, { method: 'replace', message: 'failed', data: 'kFailure: simulated failure' }))).toBeInstanceOf(RetryableError);
    expect(c(res(200, { method: 'replace', message: 'failed', data: 'kInvalidParam: data[0].name: required string' }))).toBeInstanceOf(PermanentError);
    // Another device's success does not count for ours.
    expect(c(res(200, { message: 'ok', data: [{ id: 'HD-2', message: 'ok', data: 'kSuccess' }] }))).toBeInstanceOf(PermanentError);
    expect(c(res(500, undefined))).toBeNull(); // left to the shared HTTP wrapper's status handling
  });
});
