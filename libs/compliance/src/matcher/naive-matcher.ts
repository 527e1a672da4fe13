import { MatchBuffer, MultiPatternMatcher } from './match-buffer';

/**
 * One String.indexOf pass per pattern. The reference the Aho-Corasick matcher is checked against in
 * specs and in bench/checks, and a fallback that needs no build step for a handful of patterns.
 */
export class NaiveMatcher implements MultiPatternMatcher {
  private readonly firstIndex = new Map<string, number>();

  constructor(private readonly patterns: readonly string[]) {
    patterns.forEach((p, i) => {
      if (p.length === 0) throw new Error('NaiveMatcher: empty pattern');
      if (!this.firstIndex.has(p)) this.firstIndex.set(p, i);
    });
  }

  get patternCount(): number {
    return this.patterns.length;
  }

  patternLength(index: number): number {
    return this.patterns[index].length;
  }

  scan(codes: Uint16Array, length: number, out: MatchBuffer): void {
    const text = unitsToString(codes, length);
    for (const [p, index] of this.firstIndex) {
      let at = text.indexOf(p);
      while (at >= 0) {
        out.push(index, at + p.length);
        at = text.indexOf(p, at + 1);
      }
    }
  }
}

export function unitsToString(codes: Uint16Array, length: number): string {
  let s = '';
  const CHUNK = 8192;
  for (let k = 0; k < length; k += CHUNK) s += String.fromCharCode(...codes.subarray(k, Math.min(length, k + CHUNK)));
  return s;
}
