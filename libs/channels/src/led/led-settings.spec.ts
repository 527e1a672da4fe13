import { parseLedSettings } from './led-settings';

describe('LED screen settings', () => {
  const huidu = { sdkKey: 'k', sdkSecret: 's' };

  it('accepts the hall screens we know and any sane size', () => {
    for (const [w, h] of [
      [64, 16],
      [64, 32],
      [128, 32],
      [128, 64],
      [192, 96],
      [256, 128],
      [320, 48],
    ]) {
      const r = parseLedSettings({ width: w, height: h, colourMode: 'single', protocol: 'huidu', deviceId: 'HD-1' }, huidu, 'http://10.0.0.5:30080');
      expect(r.problems).toEqual([]);
      expect([r.settings.width, r.settings.height]).toEqual([w, h]);
    }
  });

  it('refuses missing or absurd sizes, unknown colour modes and protocols, and what each protocol needs', () => {
    const r = parseLedSettings({ width: 0, height: 32, colourMode: 'rgbw', protocol: 'huidu' }, {}, '');
    expect(r.problems.map((p) => p.field)).toEqual(['settings.width', 'settings.colourMode', 'settings.deviceId', 'baseUrl', 'credentials']);
    expect(parseLedSettings({ width: 9000, height: 32 }, huidu, 'http://x').problems[0].reason).toContain('超出范围');
    const pull = parseLedSettings({ width: 128, height: 32, protocol: 'pull' }, { playlistKey: 'short' }, '');
    expect(pull.problems.map((p) => p.field)).toEqual(['credentials.playlistKey']);
    expect(parseLedSettings({ width: 128, height: 32, protocol: 'ftp' }, {}, '').problems[0].field).toBe('settings.protocol');
  });

  it('defaults the effect, font, page limit and display days', () => {
    const { settings } = parseLedSettings({ width: 128, height: 32, protocol: 'pull' }, { playlistKey: 'x'.repeat(16) }, '');
    expect(settings).toMatchObject({ colourMode: 'single', effect: { type: 0, speed: 4, hold: 5000 }, fontName: 'SimSun', maxPages: 10, defaultDays: 7 });
  });
});
