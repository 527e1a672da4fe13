import { MatchBuffer, MultiPatternMatcher } from './match-buffer';

/**
 * Aho-Corasick over UTF-16 units, stored as a double-array trie (base/check) plus failure and
 * output links in flat Int32Arrays. A CJK lexicon has thousands of distinct characters, so a dense
 * state × alphabet table would not fit; the double array gives one add and one compare per goto.
 *
 * Every occurrence is reported, overlaps included, as (pattern index, exclusive end); the caller
 * knows each pattern's length. Duplicate patterns are reported under their first index.
 */
export class AhoCorasick implements MultiPatternMatcher {
  private constructor(
    /** UTF-16 unit → symbol 1..K, 0 for units no pattern contains. */
    private readonly sym: Uint16Array,
    private readonly base: Int32Array,
    private readonly check: Int32Array,
    private readonly fail: Int32Array,
    /** Pattern index ending exactly at a state, or -1. */
    private readonly out: Int32Array,
    /** Nearest state on the failure chain with an output, or 0. */
    private readonly outLink: Int32Array,
    private readonly lengths: Int32Array,
    readonly stateCount: number,
  ) {}

  get patternCount(): number {
    return this.lengths.length;
  }

  patternLength(index: number): number {
    return this.lengths[index];
  }

  static build(patterns: readonly string[]): AhoCorasick {
    const sym = new Uint16Array(65536);
    let alphabet = 0;
    for (const p of patterns) {
      if (p.length === 0) throw new Error('AhoCorasick: empty pattern');
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (sym[c] === 0) {
          if (alphabet === 0xffff) throw new Error('AhoCorasick: alphabet too large');
          sym[c] = ++alphabet;
        }
      }
    }

    // 1. Plain trie with Map children (build time only).
    const children: Array<Map<number, number>> = [new Map()];
    const terminal: number[] = [-1];
    for (let pi = 0; pi < patterns.length; pi++) {
      const p = patterns[pi];
      let node = 0;
      for (let i = 0; i < p.length; i++) {
        const c = sym[p.charCodeAt(i)];
        let next = children[node].get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          terminal.push(-1);
          children[node].set(c, next);
        }
        node = next;
      }
      if (terminal[node] < 0) terminal[node] = pi;
    }
    const nodeCount = children.length;

    // 2. Place the trie into a double array, breadth first. Bases stay ≥ 0 so base + symbol is
    //    always a valid index; free slots are found through a "next free slot at or after i"
    //    union-find (path-compressed), so placing a node never walks a long run of used slots.
    let size = Math.max(1024, nodeCount + alphabet + 2);
    let base = new Int32Array(size);
    let check = new Int32Array(size).fill(-1);
    let nextFree = new Int32Array(size + 1);
    for (let i = 0; i <= size; i++) nextFree[i] = i;
    check[0] = -2;
    nextFree[0] = 1;
    const grow = (needed: number) => {
      if (needed < size) return;
      let n = size;
      while (n <= needed) n *= 2;
      const b = new Int32Array(n);
      b.set(base);
      const ch = new Int32Array(n).fill(-1);
      ch.set(check);
      const nf = new Int32Array(n + 1);
      nf.set(nextFree.subarray(0, size));
      for (let i = size; i <= n; i++) nf[i] = i;
      base = b;
      check = ch;
      nextFree = nf;
      size = n;
    };
    const findFree = (from: number): number => {
      grow(from + 1);
      let root = from;
      while (nextFree[root] !== root) root = nextFree[root];
      // path compression
      let i = from;
      while (nextFree[i] !== root) {
        const up = nextFree[i];
        nextFree[i] = root;
        i = up;
      }
      grow(root + 1);
      return root;
    };
    const occupy = (i: number) => {
      nextFree[i] = i + 1;
    };
    const daOf = new Int32Array(nodeCount); // trie node → double-array index
    let maxUsed = 0;
    const queue = new Int32Array(nodeCount);
    let qh = 0;
    let qt = 0;
    queue[qt++] = 0;
    while (qh < qt) {
      const node = queue[qh++];
      const s = daOf[node];
      const kids = children[node];
      if (kids.size === 0) continue;
      const syms = [...kids.keys()].sort((a, b) => a - b);
      const first = syms[0];
      const last = syms[syms.length - 1];
      let pos = findFree(first);
      for (;;) {
        const b = pos - first;
        grow(b + last + 1);
        let ok = true;
        for (let k = 1; k < syms.length; k++) {
          if (check[b + syms[k]] !== -1) {
            ok = false;
            break;
          }
        }
        if (ok) break;
        pos = findFree(pos + 1);
      }
      const b = pos - first;
      base[s] = b;
      for (const c of syms) {
        const t = b + c;
        check[t] = s;
        occupy(t);
        if (t > maxUsed) maxUsed = t;
        const child = kids.get(c)!;
        daOf[child] = t;
        queue[qt++] = child;
      }
    }

    // 3. Trim, with room for base + any symbol so lookups never run off the end.
    const finalSize = maxUsed + alphabet + 2;
    grow(finalSize);
    const fBase = base.slice(0, finalSize);
    const fCheck = check.slice(0, finalSize);
    const fail = new Int32Array(finalSize);
    const out = new Int32Array(finalSize).fill(-1);
    const outLink = new Int32Array(finalSize);
    for (let node = 0; node < nodeCount; node++) if (terminal[node] >= 0) out[daOf[node]] = terminal[node];

    // 4. Failure and output links, breadth first (queue order above is already BFS).
    for (let qi = 0; qi < qt; qi++) {
      const node = queue[qi];
      const s = daOf[node];
      for (const [c, child] of children[node]) {
        const t = daOf[child];
        let f = 0;
        if (s !== 0) {
          f = fail[s];
          for (;;) {
            const g = fBase[f] + c;
            if (fCheck[g] === f) {
              f = g;
              break;
            }
            if (f === 0) break;
            f = fail[f];
          }
        }
        fail[t] = f;
        outLink[t] = out[f] >= 0 ? f : outLink[f];
      }
    }

    const lengths = new Int32Array(patterns.length);
    for (let i = 0; i < patterns.length; i++) lengths[i] = patterns[i].length;
    return new AhoCorasick(sym, fBase, fCheck, fail, out, outLink, lengths, nodeCount);
  }

  scan(codes: Uint16Array, length: number, buf: MatchBuffer): void {
    const sym = this.sym;
    const base = this.base;
    const check = this.check;
    const fail = this.fail;
    const out = this.out;
    const outLink = this.outLink;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = sym[codes[i]];
      if (c === 0) {
        s = 0;
        continue;
      }
      for (;;) {
        const t = base[s] + c;
        if (check[t] === s) {
          s = t;
          break;
        }
        if (s === 0) break;
        s = fail[s];
      }
      let o = out[s] >= 0 ? s : outLink[s];
      while (o !== 0) {
        buf.push(out[o], i + 1);
        o = outLink[o];
      }
    }
  }

  /** Convenience for unfolded strings (tests, small inputs): every occurrence with its start. */
  findAll(text: string): Array<{ pattern: number; start: number; end: number }> {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
    const buf = new MatchBuffer();
    this.scan(codes, codes.length, buf);
    const res: Array<{ pattern: number; start: number; end: number }> = [];
    for (let k = 0; k < buf.count; k++) {
      const p = buf.pattern[k];
      res.push({ pattern: p, start: buf.end[k] - this.lengths[p], end: buf.end[k] });
    }
    return res;
  }
}
