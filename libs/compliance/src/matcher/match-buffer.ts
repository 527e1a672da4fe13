/** Growable (pattern, end) pairs; a scan over megabytes of text must not allocate an object per hit. */
export class MatchBuffer {
  pattern: Int32Array;
  end: Int32Array;
  count = 0;

  constructor(capacity = 256) {
    this.pattern = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  push(pattern: number, end: number): void {
    if (this.count === this.pattern.length) {
      const p = new Int32Array(this.count * 2);
      p.set(this.pattern);
      this.pattern = p;
      const e = new Int32Array(this.count * 2);
      e.set(this.end);
      this.end = e;
    }
    this.pattern[this.count] = pattern;
    this.end[this.count] = end;
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }
}

/** Anything that finds every occurrence (overlaps included) of a fixed pattern set in folded text. */
export interface MultiPatternMatcher {
  readonly patternCount: number;
  patternLength(index: number): number;
  /** Appends (pattern index, exclusive end) for every occurrence in codes[0..length). */
  scan(codes: Uint16Array, length: number, out: MatchBuffer): void;
}
