import type { AxiosInstance } from 'axios';
import { SecretBox } from '@app/common/crypto/secret-box';
import { startTestSystem, TEST_KEY, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 9: an admin must not be able to send an account's stored secret to an address of
 * their choosing without knowing it. Changing the base URL's scheme, host or port requires the
 * credentials again in the same request; the audit row records the old and new base URL.
 */
describe('security: channel account credentials follow the base URL', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let county = '';
  let n = 0;
  const box = new SecretBox(TEST_KEY);
  const SECRET = 'stored-secret-never-shown-0001';

  beforeAll(async () => {
    sys = await startTestSystem('account-credentials', { worker: false });
    county = sys.seed.orgs['sfx'];
    admin = await sys.login('admin');
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  async function account(baseUrl: string, credentials?: Record<string, unknown>): Promise<string> {
    const r = await admin.post('/channel-accounts', {
      organisationId: county,
      channelType: 'testchan',
      name: `测试账号${++n}`,
      baseUrl,
      ...(credentials ? { credentials } : {}),
    });
    if (r.status !== 201) throw new Error(`create account: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data.id;
  }
  const stored = async (id: string): Promise<{ base_url: string; credentials_enc: string | null }> =>
    (await sys.ds.query(`SELECT base_url, credentials_enc FROM channel_accounts WHERE id = $1`, [id]))[0];
  const audit = async (id: string): Promise<{ action: string; details: Record<string, any> }[]> =>
    sys.ds.query(`SELECT action, details FROM audit_logs WHERE entity_type = 'channel_account' AND entity_id = $1 ORDER BY id`, [id]);

  it('moving the account to another scheme, host or port without the credentials is refused with the field named; nothing changes', async () => {
    const id = await account('http://127.0.0.1:7001/testchan', { token: SECRET });
    const before = await stored(id);
    for (const baseUrl of [
      'http://127.0.0.2:7001/testchan',
      'http://127.0.0.1:7002/testchan',
      'https://127.0.0.1:7001/testchan',
      'http://attacker.example/testchan',
      '',
    ]) {
      const r = await admin.patch(`/channel-accounts/${id}`, { baseUrl });
      expect(r.status).toBe(400);
      expect(r.data).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'credentials', reason: expect.stringContaining('base URL') }] });
      expect(r.data.message).toMatch(/^输入有误/);
      // with other fields in the same request: still refused, none of them applied
      const mixed = await admin.patch(`/channel-accounts/${id}`, { baseUrl, name: '改名', enabled: false });
      expect(mixed.status).toBe(400);
    }
    expect(await stored(id)).toEqual(before);
    expect((await sys.ds.query(`SELECT name, enabled FROM channel_accounts WHERE id = $1`, [id]))[0]).toEqual({ name: `测试账号${n}`, enabled: true });
    expect((await audit(id)).map((a) => a.action)).toEqual(['channel_account.create']);
  });

  it('with the credentials again the move goes through: the new secret replaces the stored one; the audit row has both base URLs and no secret', async () => {
    const id = await account('http://127.0.0.1:7001/testchan', { token: SECRET });
    const r = await admin.patch(`/channel-accounts/${id}`, {
      baseUrl: 'https://channel.example.gov.cn/testchan',
      credentials: { token: 'new-token-for-new-host' },
    });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ baseUrl: 'https://channel.example.gov.cn/testchan', hasCredentials: true });
    const now = await stored(id);
    expect(box.openJson(now.credentials_enc!)).toEqual({ token: 'new-token-for-new-host' });
    const rows = await audit(id);
    expect(rows.map((a) => a.action)).toEqual(['channel_account.create', 'channel_account.update']);
    expect(rows[1].details).toMatchObject({ baseUrl: { from: 'http://127.0.0.1:7001/testchan', to: 'https://channel.example.gov.cn/testchan' } });
    expect(JSON.stringify(rows)).not.toContain('new-token-for-new-host');
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it('the same origin (a new path), the same URL again, or an account without stored credentials need no credentials; the old and new URL are recorded', async () => {
    const id = await account('http://127.0.0.1:7001/testchan', { token: SECRET });
    const samePath = await admin.patch(`/channel-accounts/${id}`, { baseUrl: 'http://127.0.0.1:7001/testchan/v2' });
    expect(samePath.status).toBe(200);
    expect(box.openJson((await stored(id)).credentials_enc!)).toEqual({ token: SECRET });
    // What the console's edit form sends: the URL unchanged with the other fields.
    const again = await admin.patch(`/channel-accounts/${id}`, {
      name: '改名的测试账号',
      baseUrl: 'http://127.0.0.1:7001/testchan/v2',
      enabled: true,
      settings: {},
    });
    expect(again.status).toBe(200);
    const rows = await audit(id);
    expect(rows[1].details).toMatchObject({ baseUrl: { from: 'http://127.0.0.1:7001/testchan', to: 'http://127.0.0.1:7001/testchan/v2' } });
    expect(rows[2].details.baseUrl).toBeUndefined();

    const bare = await account('http://127.0.0.1:7001/testchan');
    const moved = await admin.patch(`/channel-accounts/${bare}`, { baseUrl: 'http://127.0.0.1:7003/testchan' });
    expect(moved.status).toBe(200);
    expect((await stored(bare)).base_url).toBe('http://127.0.0.1:7003/testchan');
    expect((await audit(bare))[1].details).toMatchObject({ baseUrl: { from: 'http://127.0.0.1:7001/testchan', to: 'http://127.0.0.1:7003/testchan' } });
  });

  it('an operator restoring an account cannot move it in the same request', async () => {
    const id = await account('http://127.0.0.1:7001/testchan', { token: SECRET });
    const operator = await sys.login('operator');
    const r = await operator.patch(`/channel-accounts/${id}`, { status: 'active', baseUrl: 'http://127.0.0.1:7009/testchan' });
    expect(r.status).toBe(403);
    expect((await stored(id)).base_url).toBe('http://127.0.0.1:7001/testchan');
  });
});
