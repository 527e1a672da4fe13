/**
 * Per-UTF-16-unit folding used before lexicon matching, so that "國土資源局", "国 土 资 源 局",
 * "国\u200b土资源局" and "ＡＢＣ"/"abc" all meet the same pattern. Each unit maps to exactly one
 * folded unit or is dropped, which keeps a simple index map back to the original text.
 *
 * Folding: full-width ASCII → half-width, case folded, traditional → simplified (table from
 * config/lexicons, kind `charmap`), and spaces / punctuation / zero-width / decorative symbols dropped.
 * Line breaks are kept as a hard break: a term never matches across paragraphs.
 */
export const SKIP = 0;
export const BREAK = 0x0a;

export interface NormalizedText {
  /** Folded units; only the first `length` are meaningful. */
  codes: Uint16Array;
  /** pos[i] = index in the source string of codes[i]. */
  pos: Int32Array;
  length: number;
}

function isSkipped(c: number): boolean {
  if (c <= 0x20) return true; // control characters and space (line breaks are classified before this)
  if (c < 0x7f) {
    // ASCII punctuation; letters and digits stay.
    return !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
  }
  if (c === 0x7f || c === 0xa0 || c === 0xad || c === 0xb7 || c === 0x34f || c === 0x1680 || c === 0x180e) return true;
  if (c >= 0x80 && c <= 0x9f) return true;
  // Latin-1 punctuation and signs (¡¦§¨«¬®¯°±´¶¸»¿×÷).
  if (
    (c >= 0xa1 && c <= 0xbf && c !== 0xaa && c !== 0xb2 && c !== 0xb3 && c !== 0xb5 && c !== 0xb9 && c !== 0xba && !(c >= 0xbc && c <= 0xbe)) ||
    c === 0xd7 ||
    c === 0xf7
  )
    return true;
  if (c >= 0x2000 && c <= 0x206f && c !== 0x2028 && c !== 0x2029) return true; // spaces, zero-width, dashes, quotes, bullets
  if (c >= 0x2190 && c <= 0x21ff) return true; // arrows
  if (c >= 0x2500 && c <= 0x27bf) return true; // box drawing, shapes, misc symbols (★☆●◆), dingbats
  if (c >= 0x2b00 && c <= 0x2bff) return true; // misc symbols and arrows (⭐)
  if (c === 0x3000 || (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301f)) return true;
  if (c === 0x30fb || c === 0xfeff) return true;
  if (c >= 0xfe10 && c <= 0xfe1f) return true; // vertical forms
  if (c >= 0xfe30 && c <= 0xfe6f) return true; // CJK compatibility and small forms
  if (c >= 0xfe00 && c <= 0xfe0f) return true; // variation selectors
  if (c >= 0xff5f && c <= 0xff65) return true; // half-width CJK punctuation
  if (c === 0xffe0 || c === 0xffe1 || c === 0xffe2 || c === 0xffe3 || c === 0xffe4 || c === 0xffe5 || c === 0xffe6) return true;
  return false;
}

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x85 || c === 0x2028 || c === 0x2029;
}

let baseTable: Uint16Array | undefined;

/** Folding without the traditional → simplified table: width, case, skips and breaks. */
function buildBaseTable(): Uint16Array {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    let x = c;
    if (x >= 0xff01 && x <= 0xff5e) x -= 0xfee0;
    if (isBreak(x)) {
      t[c] = BREAK;
      continue;
    }
    if (isSkipped(x)) {
      t[c] = SKIP;
      continue;
    }
    if (x >= 0xd800 && x <= 0xdfff) {
      t[c] = x; // surrogate halves pass through untouched
      continue;
    }
    const lower = String.fromCharCode(x).toLowerCase();
    t[c] = lower.length === 1 ? lower.charCodeAt(0) : x;
  }
  return t;
}

export class CharFolding {
  private constructor(readonly table: Uint16Array) {}

  /**
   * @param charMaps pairs "from → to", each side one BMP unit (e.g. the t2s table from config/lexicons).
   */
  static create(charMaps: ReadonlyArray<ReadonlyMap<string, string>> = []): CharFolding {
    baseTable ??= buildBaseTable();
    const t = baseTable.slice();
    for (const map of charMaps) {
      for (const [from, to] of map) {
        if (from.length !== 1 || to.length !== 1) continue;
        const target = t[to.charCodeAt(0)];
        t[from.charCodeAt(0)] = target === SKIP || target === BREAK ? to.charCodeAt(0) : target;
      }
    }
    // Full-width forms must follow whatever their half-width counterpart became.
    for (let c = 0xff01; c <= 0xff5e; c++) t[c] = t[c - 0xfee0];
    return new CharFolding(t);
  }

  foldUnit(c: number): number {
    return this.table[c];
  }

  /** The folded form of a lexicon term: no skipped units, no breaks. */
  foldTerm(term: string): string {
    let out = '';
    for (let i = 0; i < term.length; i++) {
      const c = this.table[term.charCodeAt(i)];
      if (c !== SKIP && c !== BREAK) out += String.fromCharCode(c);
    }
    return out;
  }

  normalize(text: string): NormalizedText {
    const n = text.length;
    const codes = new Uint16Array(n);
    const pos = new Int32Array(n);
    const t = this.table;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const c = t[text.charCodeAt(i)];
      if (c === SKIP) continue;
      codes[m] = c;
      pos[m] = i;
      m++;
    }
    return { codes, pos, length: m };
  }
}
