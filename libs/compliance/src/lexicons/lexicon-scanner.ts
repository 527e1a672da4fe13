import { SEVERITY_RANK } from '../finding';
import { AhoCorasick } from '../matcher/aho-corasick';
import { MatchBuffer, MultiPatternMatcher } from '../matcher/match-buffer';
import { CharFolding, NormalizedText } from '../text/char-folding';
import { LexiconEntry } from './lexicon-loader';

export interface LexiconHit {
  entry: LexiconEntry;
  /** Offsets in the scanned text (not the folded form). */
  start: number;
  end: number;
}

export type MatcherFactory = (patterns: readonly string[]) => MultiPatternMatcher;

export const ahoCorasickFactory: MatcherFactory = (patterns) => AhoCorasick.build(patterns);

interface Pattern {
  entry: LexiconEntry;
  /** Folded allowed contexts and where the term sits inside each (a term can occur twice in one). */
  contexts: Array<{ codes: string; offsets: number[] }>;
}

/**
 * Finds lexicon terms in folded text and reports them in original offsets. Shared by the
 * sensitive-word, typo and secrecy-phrase detectors; the matcher is pluggable so the benchmark can
 * run the same pipeline with the naive matcher and compare the results one to one.
 *
 * Overlaps: a hit lying wholly inside another hit of equal or higher severity is dropped ("台湾总统"
 * wins over a hypothetical "总统" of the same severity); a stricter term inside a milder one is kept.
 */
export class LexiconScanner {
  private readonly patterns: Pattern[] = [];
  private readonly matcher: MultiPatternMatcher | null;

  constructor(
    entries: readonly LexiconEntry[],
    private readonly folding: CharFolding,
    factory: MatcherFactory = ahoCorasickFactory,
  ) {
    const byTerm = new Map<string, number>();
    const folded: string[] = [];
    for (const entry of entries) {
      const term = folding.foldTerm(entry.term);
      if (!term) continue; // a term of punctuation only cannot be matched over folded text
      const seen = byTerm.get(term);
      if (seen !== undefined) {
        const prev = this.patterns[seen];
        if (SEVERITY_RANK[entry.severity] > SEVERITY_RANK[prev.entry.severity]) prev.entry = entry;
        prev.contexts.push(...this.foldContexts(term, entry.allowedContexts));
        continue;
      }
      byTerm.set(term, this.patterns.length);
      folded.push(term);
      this.patterns.push({ entry, contexts: this.foldContexts(term, entry.allowedContexts) });
    }
    this.matcher = folded.length ? factory(folded) : null;
  }

  get size(): number {
    return this.patterns.length;
  }

  private foldContexts(term: string, contexts: readonly string[]): Pattern['contexts'] {
    const out: Pattern['contexts'] = [];
    for (const c of contexts) {
      const codes = this.folding.foldTerm(c);
      const offsets: number[] = [];
      for (let at = codes.indexOf(term); at >= 0; at = codes.indexOf(term, at + 1)) offsets.push(at);
      if (offsets.length && codes.length > term.length) out.push({ codes, offsets });
    }
    return out;
  }

  scan(text: string): LexiconHit[] {
    return this.scanNormalized(this.folding.normalize(text));
  }

  /** For callers that scan several lexicons over the same text: fold once, scan many. */
  scanNormalized(norm: NormalizedText): LexiconHit[] {
    if (!this.matcher || norm.length === 0) return [];
    const buf = new MatchBuffer(64);
    this.matcher.scan(norm.codes, norm.length, buf);
    const n = buf.count;
    const starts = new Int32Array(n);
    const keep: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = buf.pattern[k];
      const end = buf.end[k];
      const start = end - this.matcher.patternLength(p);
      starts[k] = start;
      if (!this.insideAllowedContext(this.patterns[p], norm, start)) keep.push(k);
    }
    keep.sort((a, b) => starts[a] - starts[b] || buf.end[b] - buf.end[a] || buf.pattern[a] - buf.pattern[b]);

    // maxEnd[r] = furthest end among kept hits of severity rank ≥ r (all start at or before the current one).
    const maxEnd = [-1, -1, -1, -1];
    const hits: LexiconHit[] = [];
    for (const k of keep) {
      const entry = this.patterns[buf.pattern[k]].entry;
      const rank = SEVERITY_RANK[entry.severity];
      const end = buf.end[k];
      if (maxEnd[rank] >= end) continue;
      for (let r = 1; r <= rank; r++) if (end > maxEnd[r]) maxEnd[r] = end;
      hits.push({ entry, start: norm.pos[starts[k]], end: norm.pos[end - 1] + 1 });
    }
    return hits;
  }

  private insideAllowedContext(p: Pattern, norm: NormalizedText, start: number): boolean {
    for (const ctx of p.contexts) {
      const len = ctx.codes.length;
      for (const off of ctx.offsets) {
        const from = start - off;
        if (from < 0 || from + len > norm.length) continue;
        let same = true;
        for (let i = 0; i < len; i++) {
          if (norm.codes[from + i] !== ctx.codes.charCodeAt(i)) {
            same = false;
            break;
          }
        }
        if (same) return true;
      }
    }
    return false;
  }
}
