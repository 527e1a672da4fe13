import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError, loadConfig } from '@app/common/config/app-config';
import { appDataSourceOptions, migrateAppDatabase } from '@app/composition/app-database';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { ROLES } from '@app/common/auth/roles';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { createApiApp } from '../../api/src/api-app';
import { createWorkerApp } from '../../worker/src/worker-app';
import { devSecrets } from './dev-secrets';
import { ensureEmbeddedPostgres, ensureRedis, NO_REDIS_HELP, stopEmbeddedPostgres } from './local-services';
import { publishDemoItem } from './demo-item';
import { registerDemoLedScreens } from '@app/channels/led/led-sim-setup';
import { registerDemoWechatCallbacks } from './demo-sim-wiring';

/**
 * `npm start`: the whole system in one process tree for a newcomer — embedded Postgres (unless
 * DATABASE_URL), Redis (REDIS_URL, else 127.0.0.1:6379, else a redis-server under DATA_DIR), the
 * channel simulators, the api and a worker, and the demo county on first start.
 */
const say = (m: string) => process.stdout.write(m + '\n');

async function main() {
  const env = { ...process.env };
  const dataDir = path.resolve(env.DATA_DIR ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];

  Object.assign(env, { ...devSecrets(dataDir), ...pick(env, ['ENCRYPTION_KEY', 'JWT_SECRET', 'QUEUE_PREFIX']) });
  if (!env.DATABASE_URL) {
    say(`Postgres: embedded, data in ${path.join(dataDir, 'pg')}`);
    const pg = await ensureEmbeddedPostgres(path.join(dataDir, 'pg'), Number(env.EMBEDDED_PG_PORT ?? 54320), say);
    env.DATABASE_URL = pg.url;
    stops.push(stopEmbeddedPostgres);
  }
  say('Redis: ' + (env.REDIS_URL ?? '127.0.0.1:6379 or a local redis-server'));
  let redis;
  try {
    redis = await ensureRedis(env.REDIS_URL, path.join(dataDir, 'redis'), say);
  } catch {
    say('\n' + NO_REDIS_HELP + '\n');
    await Promise.all(stops.map((s) => s()));
    process.exit(1);
  }
  env.REDIS_URL = redis.url;
  stops.push(redis.stop);

  // The simulators of the outside systems (WeChat, Weibo, LED controllers...), for the demo accounts.
  let simUrl: string | undefined;
  say('starting the channel simulators');
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startChannelSim } = require('../../channel-sim/src/channel-sim');
    const sim = await startChannelSim({ port: Number(env.CHANNEL_SIM_PORT ?? 3100), host: '127.0.0.1' });
    simUrl = sim.url;
    stops.unshift(() => sim.close());
    // Configure the simulated controllers as an installer configures real ones.
    await registerDemoLedScreens(sim.url);
  } catch (e) {
    say(`channel simulators not started: ${(e as Error).message}`);
  }

  let config: AppConfig;
  try {
    config = loadConfig(env, { DATA_DIR: dataDir } as Partial<AppConfig>);
  } catch (e) {
    say((e as ConfigError).message);
    process.exit(1);
  }
  say('migrating the database');
  await migrateAppDatabase(config.DATABASE_URL!);
  say('starting the api and a worker');

  const api = await createApiApp(config, [], { shutdownHooks: false });
  await api.listen(config.PORT, '127.0.0.1');
  const base = `http://127.0.0.1:${config.PORT}`;
  const ds = new DataSource(appDataSourceOptions(config.DATABASE_URL!));
  await ds.initialize();
  const seed = await seedDemo(ds, {
    password: env.SEED_PASSWORD,
    encryptionKey: config.ENCRYPTION_KEY,
    simUrl,
    portalBaseUrl: config.PORTAL_BASE_URL ?? `${base}/site`,
    channelTypes: api.get(ChannelRegistry).types(),
  });
  if (simUrl)
    await registerDemoWechatCallbacks(ds, config.ENCRYPTION_KEY, simUrl, base).catch((e) => say(`wechat callbacks not registered: ${(e as Error).message}`));
  await ds.destroy();
  const worker = await createWorkerApp(config, [], { shutdownHooks: false });
  stops.unshift(async () => {
    await worker.close();
    await api.close();
  });

  say('');
  say('政务公开 一次采编 多渠道发布 — running');
  say(`  console   ${base}/`);
  say(`  API docs  ${base}/api/docs`);
  say(`  portal    ${base}/site/`);
  if (simUrl) say(`  channel simulators  ${simUrl}/_sim/records`);
  say(`  Postgres  ${config.DATABASE_URL!.replace(/:[^:@/]+@/, ':***@')}   Redis  ${config.REDIS_URL}`);
  if (!seed.created) {
    // a later start keeps the users it made the first time: a changed SEED_PASSWORD does not apply
    say(`  demo users kept from the first start (${ROLES.join(', ')}); their passwords are unchanged`);
    if (env.SEED_PASSWORD) say('  SEED_PASSWORD applies to the first start only and was not used now');
    // the embedded database's password is the fixed local one (local-services.ts), not a secret
    const dbUrl = config.DATABASE_URL!.startsWith('postgres://postgres:postgres@127.0.0.1:') ? config.DATABASE_URL! : 'postgres://…';
    say(`  forgotten a password? while this runs: DATABASE_URL=${dbUrl} npm run cli -- reset-password --username editor`);
  }
  if (seed.created) {
    say(`  demo users (named after their role): ${ROLES.join(', ')}`);
    say(seed.generatedPassword ? `  password (generated, shown once): ${seed.password}` : '  password: the SEED_PASSWORD you set');
    if (seed.password) {
      try {
        const item = await publishDemoItem(base, seed.password, simUrl);
        say(`  demo item ${base}/site/articles/${item.id}.html on ${item.channels} channel account(s):`);
        for (const l of item.lines) say(l);
      } catch (e) {
        say(`  demo item not published: ${(e as Error).message}`);
      }
    }
  }
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${sig}: stopping...`);
    for (const s of stops) await s().catch((e) => say(`stop: ${(e as Error).message}`));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function pick(o: Record<string, string | undefined>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => o[k]).map((k) => [k, o[k]]));
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
