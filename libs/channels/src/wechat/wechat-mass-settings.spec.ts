import {
  clientMsgIdFor,
  massSettings,
  massSettingsProblems,
  publishModeOf,
  publishModeOverrideProblems,
  quotaMessage,
  quotaWindow,
} from './wechat-mass-settings';

const account = (settings: Record<string, unknown> = {}) => ({ id: 'a', organisationId: 'o', name: 'n', baseUrl: '', settings, credentials: {} });

describe('wechat 群发 settings', () => {
  it('takes the item override over the account default, freepublish by default', () => {
    expect(publishModeOf({ channelOverrides: {} } as never, account())).toBe('freepublish');
    expect(publishModeOf({ channelOverrides: {} } as never, account({ publishMode: 'mass' }))).toBe('mass');
    expect(publishModeOf({ channelOverrides: { wechat: { publishMode: 'freepublish' } } } as never, account({ publishMode: 'mass' }))).toBe('freepublish');
    expect(publishModeOf({ channelOverrides: { wechat: { publishMode: 'mass' } } } as never, account())).toBe('mass');
    expect(publishModeOverrideProblems({ channelOverrides: { wechat: { publishMode: 'all' } } } as never)).toEqual([
      { field: 'channelOverrides.wechat.publishMode', reason: expect.stringContaining('群发') },
    ]);
  });

  it('reads the target, account type and reprint flag; validates them for the admin', () => {
    expect(massSettings(account())).toEqual({ target: 'all', accountType: 'subscription', sendIgnoreReprint: 0 });
    expect(massSettings(account({ massTarget: 7, accountType: 'service', massSendIgnoreReprint: true }))).toEqual({
      target: 7,
      accountType: 'service',
      sendIgnoreReprint: 1,
    });
    expect(massSettingsProblems({ publishMode: 'mass', massTarget: 'all', accountType: 'service', massSendIgnoreReprint: false })).toEqual([]);
    expect(massSettingsProblems({ publishMode: 'broadcast', massTarget: -1, accountType: '订阅号', massSendIgnoreReprint: 'yes' }).map((p) => p.field)).toEqual(
      ['settings.publishMode', 'settings.massTarget', 'settings.accountType', 'settings.massSendIgnoreReprint'],
    );
  });

  it('derives a clientmsgid of 32 hex characters from the delivery, another one per generation', () => {
    const id = '0b6f6c1e-6f5a-4c7e-9b1a-2f3d4e5f6a7b';
    expect(clientMsgIdFor(id)).toBe('0b6f6c1e6f5a4c7e9b1a2f3d4e5f6a7b');
    const g1 = clientMsgIdFor(id, 1);
    expect(g1).toMatch(/^[0-9a-f]{32}$/);
    expect(g1).not.toBe(clientMsgIdFor(id));
    expect(clientMsgIdFor(id, 1)).toBe(g1);
  });

  it('counts in Beijing days and months', () => {
    // 2026-03-01 23:30 Beijing = 15:30 UTC
    expect(quotaWindow('day', new Date('2026-03-01T15:30:00Z'))).toEqual({ from: new Date('2026-02-28T16:00:00Z'), to: new Date('2026-03-01T16:00:00Z') });
    // 2026-03-02 00:10 Beijing is the next day
    expect(quotaWindow('day', new Date('2026-03-01T16:10:00Z')).from).toEqual(new Date('2026-03-01T16:00:00Z'));
    expect(quotaWindow('month', new Date('2026-12-31T17:00:00Z'))).toEqual({ from: new Date('2026-12-31T16:00:00Z'), to: new Date('2027-01-31T16:00:00Z') });
    const q = { accountType: 'subscription' as const, per: 'day' as const, limit: 1, used: 1, inFlight: 0, remaining: 0, windowStart: '', windowEnd: '' };
    expect(quotaMessage(q)).toBe('今日群发次数已用完（1/1），明日 0 点后可再发');
    expect(quotaMessage({ ...q, per: 'month', limit: 4, used: 3, inFlight: 1 })).toBe('本月群发次数已用完（4/4），下月 1 日 0 点后可再发');
    expect(quotaMessage({ ...q, used: 0, remaining: 1 })).toBeNull();
  });
});
