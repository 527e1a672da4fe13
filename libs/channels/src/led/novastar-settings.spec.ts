import { parseLedSettings } from './led-settings';

describe('NovaStar screen settings', () => {
  const creds = { appKey: 'k', appSecret: 's', playlistKey: 'x'.repeat(16) };
  it('accepts players, the public media URL and the region; refuses what is missing', () => {
    const ok = parseLedSettings(
      { width: 128, height: 32, protocol: 'novastar', playerIds: ['p1'], mediaBaseUrl: 'https://gk.example.gov.cn/api/v1/' },
      creds,
      'https://open-us.vnnox.com',
    );
    expect(ok.problems).toEqual([]);
    expect(ok.settings.novastar).toEqual({ playerIds: ['p1'], mediaBaseUrl: 'https://gk.example.gov.cn/api/v1' });
    const bad = parseLedSettings({ width: 128, height: 32, protocol: 'novastar', playerIds: [''] }, { appKey: 'k' }, '');
    expect(bad.problems.map((p) => p.field)).toEqual(['settings.playerIds', 'settings.mediaBaseUrl', 'baseUrl', 'credentials', 'credentials.playlistKey']);
  });
});
