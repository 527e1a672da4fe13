import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { validate as isCronExpression } from 'node-cron';
import { passwordProblems } from '../auth/password-policy';

/** SEED_PASSWORD becomes the demo users' password: it must satisfy the same policy as any other. */
@ValidatorConstraint({ name: 'passwordPolicy' })
class PasswordPolicyRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && passwordProblems(value).length === 0;
  }
  defaultMessage(args?: { value: unknown }): string {
    return typeof args?.value === 'string'
      ? passwordProblems(args.value)
          .map((p) => p.reason)
          .join('; ')
      : 'must be a string';
  }
}

/** A schedule: a node-cron expression (five fields, or six with seconds first). */
@ValidatorConstraint({ name: 'cronExpression' })
class CronExpressionRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isCronExpression(value);
  }
  defaultMessage(): string {
    return 'must be a cron expression (node-cron: 5 fields, or 6 with seconds first)';
  }
}

/**
 * Every setting the processes read from the environment, validated once at boot. A wrong or missing
 * setting stops start-up with the variable's name and the reason (see loadConfig), so a typo in
 * production fails loudly instead of half-working.
 */
export class AppConfig {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** postgres://user:pass@host:port/db. Unset: `npm start` runs embedded Postgres under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** redis://host:port[/db]. Unset: 127.0.0.1:6379, else a redis-server started under DATA_DIR. */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  @IsString() DATA_DIR = '.data';

  /** Directory the portal adapter writes the static site into (served under /site/ by the api). */
  @IsOptional() @IsString() PORTAL_DIR?: string;

  /** Public base URL of the portal site, used in links sent to other channels (Weibo, WeChat). */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  PORTAL_BASE_URL?: string;

  /** 32-byte key, base64 or 64 hex chars, for AES-256-GCM encryption of channel credentials. */
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: 'must be 32 bytes as 64 hex characters or base64' })
  ENCRYPTION_KEY: string;

  @IsString()
  @Matches(/^.{16,}$/, { message: 'must be at least 16 characters' })
  JWT_SECRET: string;

  @Transform(({ value }) => (value === undefined || value === '' ? 8 * 3600 : Number(value)))
  @IsInt()
  @Min(60)
  JWT_TTL_SECONDS = 8 * 3600;

  @IsOptional() @IsString() @Validate(PasswordPolicyRule) SEED_PASSWORD?: string;

  /** A signed-in session unused this many minutes is ended: its token is refused (sign in again). */
  @Transform(({ value }) => (value === undefined || value === '' ? 30 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  SESSION_IDLE_MINUTES = 30;

  /**
   * Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client address (sign-in
   * throttling per address, audit). Empty: none (the socket's address). Behind a load balancer: its
   * addresses or subnets, `loopback`, `uniquelocal`, or a hop count. Never trust all: anyone could
   * then pick the address their failed sign-ins are counted against.
   */
  @IsOptional()
  @Matches(/^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?))*)?$/, {
    message: 'must be a hop count or a comma-separated list of addresses, subnets, loopback, linklocal, uniquelocal',
  })
  TRUST_PROXY: string = '';

  /** Prefix for BullMQ keys, so several installations (or test suites) can share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9_:-]+$/, { message: 'may only contain letters, digits, _ : -' })
  QUEUE_PREFIX = 'gd';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** Seconds a delivery may sit in `processing` before the sweeper reclaims it. */
  @Transform(({ value }) => (value === undefined || value === '' ? 300 : Number(value)))
  @IsInt()
  @Min(5)
  DELIVERY_LEASE_SECONDS = 300;

  /** Cron expression for the sweeper (node-cron syntax, seconds allowed). */
  @IsString() @Validate(CronExpressionRule) SWEEP_CRON = '*/15 * * * * *';

  /** Run migrations at start-up (under an advisory lock). */
  @Transform(({ value }) => (value === undefined || value === '' ? true : !['0', 'false', 'no'].includes(String(value).toLowerCase())))
  MIGRATIONS_RUN = true;

  /** The submit-time link check may fetch loopback addresses (always when NODE_ENV=test); private ranges never. */
  @Transform(({ value }) => value !== undefined && value !== '' && ['1', 'true', 'yes'].includes(String(value).toLowerCase()))
  LINK_CHECK_ALLOW_LOOPBACK = false;

  /**
   * Site import (issue 18.1): host names of old portals the importer may fetch although they resolve to
   * private or loopback addresses (old portals often sit on the government private network).
   * Comma-separated; lifts the SSRF guard for imports only, nothing else.
   */
  @IsOptional()
  @Matches(/^\s*([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[?[0-9a-fA-F:]+\]?)?(\s*,\s*([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[?[0-9a-fA-F:]+\]?))*\s*$/, {
    message: 'must be a comma-separated list of host names',
  })
  IMPORT_ALLOWED_HOSTS: string = '';

  /** Site import: pages fetched at once from the old site. */
  @Transform(({ value }) => (value === undefined || value === '' ? 2 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(16)
  IMPORT_CONCURRENCY = 2;

  /** Site import: least milliseconds between two requests to the old site (politeness). */
  @Transform(({ value }) => (value === undefined || value === '' ? 500 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(60000)
  IMPORT_INTERVAL_MS = 500;

  /** Cron expression of the worker's compliance deadline and staleness scan (node-cron, seconds allowed). */
  @IsString() @Validate(CronExpressionRule) COMPLIANCE_CRON = '0 7 * * * *';

  /** Cron expression of the LED screens' program sync (expired entries leave, emergencies take over). */
  @IsString() @Validate(CronExpressionRule) LED_SYNC_CRON = '0 * * * * *';

  /** Cron expression of the gazette schedule (compiles each gazette's issue once per period). */
  @IsString() @Validate(CronExpressionRule) GAZETTE_CRON = '0 */5 * * * *';

  /** Cron expression of the statistics fold (ledger rows published since into the rollups; reads fold first too). */
  @IsString() @Validate(CronExpressionRule) STATS_FOLD_CRON = '* * * * * *';

  /** Connections in each process's Postgres pool. */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_MAX = 10;

  /**
   * Jobs one worker process runs at once per channel queue. 0: from the channel's per-account
   * concurrency (8 × per account, between 8 and 64), see workerConfigFor in the delivery engine.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 0 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(10000)
  DELIVERY_QUEUE_CONCURRENCY = 0;

  /** Directory of the statistics report templates. Unset: the nearest config/reports above the code. */
  @IsOptional() @IsString() STATS_REPORTS_DIR?: string;

  /** Directory of the built console (index.html). Unset: apps/console/dist beside the source or the build. */
  @IsOptional() @IsString() CONSOLE_DIR?: string;

  /** The channel simulators (apps/channel-sim, `npm start` and tests only): port, address, public URL. */
  @Transform(({ value }) => (value === undefined || value === '' ? 3100 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  CHANNEL_SIM_PORT = 3100;

  @IsString() CHANNEL_SIM_HOST = '127.0.0.1';

  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  CHANNEL_SIM_PUBLIC_URL?: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: { variable: string; reason: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'));
  }
}

/** Validates `env` (process.env by default) and returns the typed config, or throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const known = Object.keys(new AppConfigShape());
  const picked: Record<string, unknown> = {};
  for (const k of known) if (env[k] !== undefined) picked[k] = env[k];
  Object.assign(picked, overrides);
  const cfg = plainToInstance(AppConfig, picked, { exposeDefaultValues: true });
  const errors = validateSync(cfg, { whitelist: false });
  if (errors.length) {
    throw new ConfigError(errors.map((e) => ({ variable: e.property, reason: Object.values(e.constraints ?? {}).join('; ') || 'invalid' })));
  }
  return cfg;
}

// Instantiating AppConfig gives the list of keys that have defaults; keys without defaults are added here.
class AppConfigShape extends AppConfig {
  constructor() {
    super();
    this.DATABASE_URL = undefined;
    this.REDIS_URL = undefined;
    this.PORTAL_DIR = undefined;
    this.PORTAL_BASE_URL = undefined;
    this.ENCRYPTION_KEY = undefined as unknown as string;
    this.JWT_SECRET = undefined as unknown as string;
    this.SEED_PASSWORD = undefined;
    this.STATS_REPORTS_DIR = undefined;
    this.CONSOLE_DIR = undefined;
    this.CHANNEL_SIM_PUBLIC_URL = undefined;
  }
}

/**
 * Only `keys` of the config, validated by the same rules (the other variables are neither read nor
 * checked): for code that runs without the whole config — the migration and admin CLIs, the logger at
 * load time, the simulators, library defaults read outside Nest's container.
 */
export function loadConfigPart<K extends keyof AppConfig>(keys: readonly K[], env: Record<string, string | undefined> = process.env): Pick<AppConfig, K> {
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (env[k as string] !== undefined) picked[k as string] = env[k as string];
  const cfg = plainToInstance(AppConfig, picked, { exposeDefaultValues: true });
  const errors = validateSync(cfg, { whitelist: false }).filter((e) => (keys as readonly string[]).includes(e.property));
  if (errors.length) {
    throw new ConfigError(errors.map((e) => ({ variable: e.property, reason: Object.values(e.constraints ?? {}).join('; ') || 'invalid' })));
  }
  const out = {} as Pick<AppConfig, K>;
  for (const k of keys) out[k] = cfg[k];
  return out;
}

/** Portal directory and public URL derived from the config. */
export function portalDir(cfg: AppConfig): string {
  return cfg.PORTAL_DIR ?? require('path').join(cfg.DATA_DIR, 'portal');
}
export function portalBaseUrl(cfg: AppConfig): string {
  return (cfg.PORTAL_BASE_URL ?? `http://127.0.0.1:${cfg.PORT}/site`).replace(/\/+$/, '');
}

/**
 * The log level for the process-wide logger, which exists before the config is loaded: LOG_LEVEL, else
 * silent under jest (NODE_ENV=test), else info. An invalid LOG_LEVEL falls back here and stops start-up
 * in loadConfig, which names it.
 */
export function bootLogLevel(env: Record<string, string | undefined> = process.env): string {
  if (env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== '') {
    try {
      return loadConfigPart(['LOG_LEVEL'], env).LOG_LEVEL;
    } catch {
      // reported by loadConfig at boot
    }
  }
  return env.NODE_ENV === 'test' ? 'silent' : 'info';
}

/** The hosts IMPORT_ALLOWED_HOSTS names, lower-case, without brackets. */
export function importAllowedHosts(cfg: Pick<AppConfig, 'IMPORT_ALLOWED_HOSTS'>): Set<string> {
  return new Set(
    String(cfg.IMPORT_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
  );
}
