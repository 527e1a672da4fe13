/**
 * Myers' O((N+M)·D) diff over arrays of tokens: fast when two versions differ little (the usual case
 * for a revision), which a plain LCS table is not for a long document.
 */
export type DiffOp = { op: 'same' | 'add' | 'del'; text: string };

export function diffTokens(a: string[], b: string[], maxD = 4000): DiffOp[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  const off = max + 1;
  for (let d = 0; d <= Math.min(max, maxD); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, off, d);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], a: string[], b: string[], off: number, dEnd: number): DiffOp[] {
  const ops: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1;
    const prevX = v[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: 'same', text: a[--x] });
      y--;
    }
    if (x === prevX) ops.push({ op: 'add', text: b[--y] });
    else ops.push({ op: 'del', text: a[--x] });
  }
  while (x > 0 && y > 0) {
    ops.push({ op: 'same', text: a[--x] });
    y--;
  }
  return merge(ops.reverse());
}

function merge(ops: DiffOp[]): DiffOp[] {
  const out: DiffOp[] = [];
  for (const o of ops) {
    const last = out[out.length - 1];
    if (last && last.op === o.op) last.text += o.text;
    else out.push({ ...o });
  }
  return out;
}

/** Character diff of two texts; falls back to whole-line granularity when they differ too much. */
export function diffText(a: string, b: string): DiffOp[] {
  const chars = diffTokens([...a], [...b], 3000);
  if (chars) return chars;
  const lines = (s: string) => s.split(/(?<=\n)/);
  return (
    diffTokens(lines(a), lines(b), 100_000) ?? [
      { op: 'del', text: a },
      { op: 'add', text: b },
    ]
  );
}
