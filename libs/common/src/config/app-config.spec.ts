import { ConfigError, loadConfig } from './app-config';

const good = { ENCRYPTION_KEY: 'ab'.repeat(32), JWT_SECRET: 'x'.repeat(20) };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig(good);
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('.data');
    expect(c.QUEUE_PREFIX).toBe('gd');
  });

  it('names every wrong or missing variable and why', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
      fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const vars = (e as ConfigError).problems.map((p) => p.variable).sort();
      expect(vars).toEqual(['DATABASE_URL', 'ENCRYPTION_KEY', 'JWT_SECRET', 'PORT']);
      expect((e as Error).message).toContain('DATABASE_URL: must be a postgres:// URL');
    }
  });

  it('accepts a base64 key and ignores unrelated environment variables', () => {
    const c = loadConfig({ ...good, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), HOME: '/root' });
    expect(c.ENCRYPTION_KEY).toHaveLength(44);
    expect((c as unknown as Record<string, unknown>).HOME).toBeUndefined();
  });
});
