import axios from 'axios';
import { spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { cpuProfArgs } from './fanout-cpu';

/** apps/channel-sim/src/main.ts in a child process on a free port; records are read over its control API. */
export async function startSimProcess(): Promise<{ url: string; pid: number | undefined; testchanRecords(): Promise<number>; close(): Promise<void> }> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address() as net.AddressInfo;
      srv.close(() => resolve(a.port));
    });
  });
  // BENCH_SIM_CPU_PROF=<dir>: a V8 CPU profile of the simulator process (diagnostics).
  const child = spawn(process.execPath, [...cpuProfArgs(process.env.BENCH_SIM_CPU_PROF), '-r', '@swc-node/register', 'apps/channel-sim/src/main.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, CHANNEL_SIM_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += String(b);
      if (out.includes('channel-sim listening on')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`channel-sim exited ${c}`)));
  });
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    testchanRecords: async () => (await axios.get(`${url}/_sim/records`, { params: { system: 'testchan' } })).data.count as number,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
