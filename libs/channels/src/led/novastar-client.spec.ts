import { classifyNovastar, novastarCheckSum, novastarHeaders } from './novastar-client';

describe('NovaStar VNNOX client', () => {
  it('CheckSum = lowercase hex SHA-256(AppSecret + Nonce + CurTime) (NOVASTAR.md §1.2; vector from Python hashlib)', () => {
    expect(novastarCheckSum('sfx-secret', 'abc123', '1700000000')).toBe('f0f00443f3ba9a5deb43246caa74711baab2fa99c25524885f6802f856f3b82d');
    const h = novastarHeaders('k', 'sfx-secret', 1700000000_999);
    expect(h.CurTime).toBe('1700000000');
    expect(h.Nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(h.CheckSum).toBe(novastarCheckSum('sfx-secret', h.Nonce, '1700000000'));
    expect(novastarHeaders('k', 's').Nonce).not.toBe(novastarHeaders('k', 's').Nonce);
  });

  it('classifies answers: 401/403 credentials, 400 permanent, v1 status ≠ 0 permanent, 2xx fine, 5xx left to the wrapper', () => {
    const res = (status: number, body: unknown) => ({ status, body, text: JSON.stringify(body), durationMs: 1 });
    expect(classifyNovastar(res(401, { message: 'invalid CheckSum' }))).toMatchObject({ kind: 'credentials', code: 'NOVASTAR_AUTH_FAILED' });
    expect(classifyNovastar(res(400, { message: 'pages' }))).toMatchObject({ kind: 'permanent', code: 'NOVASTAR_HTTP_400' });
    expect(classifyNovastar(res(200, { logid: 1, status: 10002, data: {} }))).toMatchObject({ kind: 'permanent', code: 'NOVASTAR_STATUS' });
    expect(classifyNovastar(res(200, { success: ['p'], fail: [] }))).toBeNull();
    expect(classifyNovastar(res(200, { logid: 1, status: 0, data: { rows: [] } }))).toBeNull();
    expect(classifyNovastar(res(502, 'bad gateway'))).toBeNull();
  });
});
