/** What each bench:scale part exports, and how one runs alone (`node -r @swc-node/register bench/scale/<part>.ts`). */
export type Figures = Record<string, number | boolean | string>;
export type BenchPart = (opts: { scale: number; log: (m: string) => void }) => Promise<Figures>;

/** Runs `part` at BENCH_SCALE (default 1), printing its log lines and its figures as the last line (one JSON object). */
export function runAlone(name: string, part: BenchPart): void {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  part({ scale, log: (m) => console.log(`[bench:scale:${name}] ${m}`) }).then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
