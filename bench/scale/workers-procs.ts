import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import { cpuProfArgs } from '../fanout/fanout-cpu';

/**
 * The workers part's processes: the api and the workers as the production entries
 * (apps/api/src/main.ts, apps/worker/src/main.ts) in child processes, each measured from /proc.
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

/** Peak resident set (VmHWM) of a running process, in MB. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export interface Proc {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `entry` under @swc-node/register from `root` with `env`; resolves once its stdout shows
 * `readyText`. Its output is dropped afterwards (or appended to `logFile`).
 */
export async function startProc(root: string, entry: string, env: Record<string, string>, readyText: string, logFile?: string): Promise<Proc> {
  // BENCH_WORKERS_CPU_PROF=<dir>: a V8 CPU profile of each worker process (where its time goes).
  const worker = entry.includes('worker');
  const prof = worker ? cpuProfArgs(process.env.BENCH_WORKERS_CPU_PROF) : [];
  // BENCH_WORKERS_NODE_ARGS: extra Node.js flags for the worker processes (diagnostics, e.g. GC flags).
  const extra = worker ? (process.env.BENCH_WORKERS_NODE_ARGS ?? '').split(/\s+/).filter(Boolean) : [];
  const child = spawn(process.execPath, [...prof, ...extra, '-r', '@swc-node/register', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`${entry} did not start within 180 s`)), 180_000);
    child.stdout!.on('data', (b) => {
      if (out.length < 1_000_000) out += String(b);
      if (out.includes(readyText)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (c) => {
      clearTimeout(t);
      reject(new Error(`${entry} exited ${c}: ${out.slice(-2000)}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.removeAllListeners('data');
  if (logFile) child.stdout!.pipe(fs.createWriteStream(logFile, { flags: 'a' }));
  else child.stdout!.resume();
  return {
    child,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
