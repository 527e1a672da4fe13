import { bootLogLevel, ConfigError, loadConfig, loadConfigPart } from './app-config';

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

describe('settings that used to be read beside the config', () => {
  it('have defaults and are validated like the rest', () => {
    const c = loadConfig(good);
    expect(c.DB_POOL_MAX).toBe(10);
    expect(c.DELIVERY_QUEUE_CONCURRENCY).toBe(0);
    expect(c.STATS_REPORTS_DIR).toBeUndefined();
    expect(c.CONSOLE_DIR).toBeUndefined();
    const set = loadConfig({ ...good, DB_POOL_MAX: '24', DELIVERY_QUEUE_CONCURRENCY: '16', STATS_REPORTS_DIR: '/srv/reports', CONSOLE_DIR: '/srv/console' });
    expect([set.DB_POOL_MAX, set.DELIVERY_QUEUE_CONCURRENCY, set.STATS_REPORTS_DIR, set.CONSOLE_DIR]).toEqual([24, 16, '/srv/reports', '/srv/console']);
    try {
      loadConfig({ ...good, DB_POOL_MAX: '0', DELIVERY_QUEUE_CONCURRENCY: 'many' });
      fail('should throw');
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['DB_POOL_MAX', 'DELIVERY_QUEUE_CONCURRENCY']);
    }
  });

  it('refuses a schedule that is not a cron expression, naming the variable', () => {
    expect(loadConfig({ ...good, LED_SYNC_CRON: '*/30 * * * * *' }).LED_SYNC_CRON).toBe('*/30 * * * * *');
    expect(() => loadConfig({ ...good, SWEEP_CRON: 'every 15 s' })).toThrow(/SWEEP_CRON: must be a cron expression/);
    expect(() => loadConfig({ ...good, GAZETTE_CRON: '61 * * * *' })).toThrow(/GAZETTE_CRON/);
  });
});

describe('loadConfigPart', () => {
  it('validates and returns only the keys asked for, ignoring what the whole config would refuse', () => {
    // no ENCRYPTION_KEY / JWT_SECRET: the whole config would refuse this environment
    expect(loadConfigPart(['DATABASE_URL'], { DATABASE_URL: 'postgres://u@h/db' })).toEqual({ DATABASE_URL: 'postgres://u@h/db' });
    expect(loadConfigPart(['DATABASE_URL', 'DB_POOL_MAX'], {})).toEqual({ DATABASE_URL: undefined, DB_POOL_MAX: 10 });
    expect(() => loadConfigPart(['DATABASE_URL'], { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
  });
});

describe('bootLogLevel', () => {
  it('is LOG_LEVEL when valid, else silent under test and info otherwise', () => {
    expect(bootLogLevel({ LOG_LEVEL: 'debug', NODE_ENV: 'test' })).toBe('debug');
    expect(bootLogLevel({ NODE_ENV: 'test' })).toBe('silent');
    expect(bootLogLevel({ NODE_ENV: 'production' })).toBe('info');
    expect(bootLogLevel({ LOG_LEVEL: 'loud', NODE_ENV: 'production' })).toBe('info');
  });
});
