/** Timing helpers shared by the bench:stats parts (stats.bench.ts, website-annual.ts, aggregation.ts). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` once: [milliseconds, its value]. */
export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const s = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - s) / 1e6, v];
}
