/**
 * Splits text into lines that fit a width, by measuring real renderings (see text-measurer.ts) rather
 * than trusting character counts. Chinese breaks between any two characters, except that closing
 * punctuation never starts a line and opening punctuation never ends one (禁则); Latin words, numbers
 * and URLs stay whole unless a single one is wider than the line.
 */
export interface MeasuredText {
  text: string;
  /** Ink size in pixels at `fontSize`. */
  width: number;
  height: number;
  fontSize: number;
  /** Coverage mask, width×height bytes, 0..255. */
  mask: Buffer;
}

/** Resolves to the rendering when `text` fits one line, or null when it does not. */
export type MeasureFn = (text: string) => Promise<MeasuredText | null>;

const NO_START = new Set(Array.from('，。、；：？！）》」』】〕〉〗〙〛’”…—～·・％‰,.;:?!)]}%'));
const NO_END = new Set(Array.from('（《「『【〔〈〖〘〚‘“([{'));

export function isWide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Paragraphs (from explicit line breaks) as lists of unbreakable tokens; ' ' tokens mark spaces. */
export function tokenise(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((p) => tokeniseParagraph(p.replace(/[\t\f\v \u00a0\u3000]+/g, ' ').trim()))
    .filter((p) => p.length > 0);
}

function tokeniseParagraph(p: string): string[] {
  const tokens: string[] = [];
  let open = '';
  let inWord = false;
  const push = (t: string) => {
    tokens.push(open + t);
    open = '';
  };
  for (const ch of Array.from(p)) {
    if (ch === ' ') {
      if (open) push('');
      if (tokens.length && tokens[tokens.length - 1] !== ' ') tokens.push(' ');
      inWord = false;
    } else if (!isWide(ch) && !NO_END.has(ch) && inWord) {
      tokens[tokens.length - 1] += ch;
    } else if (NO_START.has(ch) && !open && tokens.length && tokens[tokens.length - 1] !== ' ') {
      tokens[tokens.length - 1] += ch;
      inWord = !isWide(ch) && inWord;
    } else if (NO_END.has(ch)) {
      open += ch;
      inWord = false;
    } else {
      push(ch);
      inWord = !isWide(ch);
    }
  }
  if (open) push('');
  while (tokens.length && tokens[tokens.length - 1] === ' ') tokens.pop();
  return tokens;
}

/** Rough width in em, only used to choose where to start measuring. */
function estimateEm(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch) ? 1 : 0.6;
  return w;
}

export async function breakLines(
  text: string,
  maxWidth: number,
  fontSize: number,
  measure: MeasureFn,
  unfittable: (char: string) => Error,
): Promise<MeasuredText[]> {
  const lines: MeasuredText[] = [];
  for (const toks of tokenise(text)) {
    const tryFit = (i: number, k: number) =>
      measure(
        toks
          .slice(i, i + k)
          .join('')
          .trim(),
      );
    let i = 0;
    while (i < toks.length) {
      while (toks[i] === ' ') i++;
      if (i >= toks.length) break;
      let k = 0;
      let em = 0;
      const budget = maxWidth / fontSize;
      while (i + k < toks.length && em + estimateEm(toks[i + k]) <= budget) em += estimateEm(toks[i + k++]);
      k = Math.max(1, k);
      let best = await tryFit(i, k);
      if (best) {
        while (i + k < toks.length) {
          const next = await tryFit(i, k + 1);
          if (!next) break;
          best = next;
          k++;
        }
      } else {
        while (!best && k > 1) best = await tryFit(i, --k);
      }
      if (!best) {
        const chars = Array.from(toks[i]);
        if (chars.length > 1) {
          toks.splice(i, 1, ...chars);
          continue;
        }
        throw unfittable(toks[i]);
      }
      lines.push(best);
      i += k;
    }
  }
  return lines;
}
