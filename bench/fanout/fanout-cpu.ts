import * as fs from 'fs';

// Where the fan-out bench's CPU time goes: per process from /proc (Postgres summed over its backends,
// exited ones included), and the whole machine.

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}
/**
 * CPU seconds used by every process named `comm` (e.g. all of Postgres' backends), including those
 * that have exited since (a pool closes idle connections): each process's last reading is kept, and
 * `sampleAll` runs every 200 ms, so an exited backend is missing at most its last 200 ms.
 */
const lastSeen = new Map<string, number>();
export function sampleAll(comm: string): void {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (f.slice(f.indexOf('(') + 1, f.lastIndexOf(')')) !== comm) continue;
      const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
      // pid + start time: a recycled pid is another process
      lastSeen.set(`${d}:${parts[19]}`, (Number(parts[11]) + Number(parts[12])) / 100);
    } catch {
      /* gone meanwhile */
    }
  }
}
export function cpuOfAll(comm: string): number {
  sampleAll(comm);
  let sum = 0;
  for (const v of lastSeen.values()) sum += v;
  return sum;
}
/** Busy CPU seconds of the whole machine. */
export function machineBusy(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  return (cpu.reduce((a, b) => a + b, 0) - idle) / 100;
}

/** CPU seconds so far of the bench's own process (the api), the worker, the simulators, Redis, Postgres and the machine. */
export function cpuSnapshot(pids: { worker?: number; sim?: number; redis?: number }) {
  return {
    self: cpuOf(process.pid),
    worker: cpuOf(pids.worker),
    sim: cpuOf(pids.sim),
    redis: cpuOf(pids.redis),
    postgres: cpuOfAll('postgres'),
    machine: machineBusy(),
  };
}
export type CpuSnapshot = ReturnType<typeof cpuSnapshot>;

/** CPU seconds between two snapshots, per process; "other" is the rest of the machine. */
export function cpuDiff(a: CpuSnapshot, b: CpuSnapshot) {
  const self = b.self - a.self;
  const w = b.worker - a.worker;
  const sm = b.sim - a.sim;
  const r = b.redis - a.redis;
  const pg = b.postgres - a.postgres;
  return {
    api: +self.toFixed(1),
    worker: +w.toFixed(1),
    simulator: +sm.toFixed(1),
    redis: +r.toFixed(1),
    postgres: +pg.toFixed(1),
    other: +(b.machine - a.machine - self - w - sm - r - pg).toFixed(1),
  };
}

/**
 * Diagnostics only (never in a reported run): `BENCH_DISABLE_TRIGGERS=table.trigger,...` switches
 * those triggers off in the bench's database, to see what they cost (e.g. the deliveries' NOTIFY).
 */
export async function disableTriggersFromEnv(db: { query(sql: string): Promise<unknown> }, log: (m: string) => void): Promise<void> {
  for (const t of (process.env.BENCH_DISABLE_TRIGGERS ?? '').split(',').filter(Boolean)) {
    const [table, trigger] = t.split('.');
    const ident = /^[a-z_][a-z0-9_]*$/;
    if (!ident.test(table ?? '') || !ident.test(trigger ?? '')) throw new Error(`BENCH_DISABLE_TRIGGERS: "${t}" is not table.trigger`);
    await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    log(`DIAGNOSTIC: trigger ${t} disabled`);
  }
}

/** Node.js flags for a V8 CPU profile of a child process into `dir` (none without a directory). */
export function cpuProfArgs(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
