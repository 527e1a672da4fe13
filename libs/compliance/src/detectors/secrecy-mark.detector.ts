import { RULES, TextHit } from '../finding';
import { LexiconEntry } from '../lexicons/lexicon-loader';
import { LexiconScanner } from '../lexicons/lexicon-scanner';
import { CharFolding, NormalizedText } from '../text/char-folding';

/**
 * 密级标志 and 内部/保密 wording: block, never overridable (上网不涉密、涉密不上网).
 *
 * Marks are matched with a regex over the text because their shape matters (level, star, period):
 * "秘密★1年", "机密 ☆ 启用前", "绝密＊长期", "密级：机密", and a line holding only "机密" (a mark
 * without a period is written without the star). "商业秘密", "国家秘密", "涉密文件严禁上网" and
 * "保密审查" are ordinary words and do not match. The phrases go through the folded lexicon scan so
 * "内 部 资 料" and "內部資料" are caught too. Works on any text: body, title, attachment text, file
 * names, image metadata.
 */
export const BUILTIN_SECRECY_PHRASES = ['内部资料', '内部文件', '注意保密', '不得外传', '内部使用'];

// Spaces and invisible characters inside one line; a mark never spans a line break.
const GAP = '[ \\t\\u00a0\\u3000\\u2000-\\u200f\\u2060\\ufeff]*';
const LEVEL = `(?:[绝絕]${GAP}密|[机機]${GAP}密|[秘祕]${GAP}密)`;
const STAR = '[★☆✩✪✫✬✭✮✯✰⭐*＊]';
const NUM = '[0-9０-９一二三四五六七八九十两]{1,3}';
const PERIOD = `(?:${GAP}(?:启用前|啟用前|长期|長期|${NUM}${GAP}(?:年|个月|個月|月)(?:${GAP}(?:以内|内))?))?`;

const MARK_RE = new RegExp(`${LEVEL}${GAP}${STAR}${PERIOD}`, 'g');
const LABEL_RE = new RegExp(`密${GAP}[级級]${GAP}[:：]?${GAP}${LEVEL}(?:${GAP}${STAR}${PERIOD})?`, 'g');
// A line holding nothing but a level: the mark as printed when no period is given.
const BARE_LINE_RE = new RegExp(`(^|\\n)[ \\t\\u3000\\u00a0]*(${LEVEL})[ \\t\\u3000\\u00a0]*(?=\\r?\\n|$)`, 'g');

function markMessage(excerpt: string): string {
  return `发现密级标志「${excerpt}」。涉密信息严禁公开（上网不涉密、涉密不上网），此项不可忽略：请删除涉密内容，并按保密规定处理原件。`;
}

export class SecrecyMarkDetector {
  private readonly phrases: LexiconScanner;

  constructor(
    private readonly folding: CharFolding,
    extraPhrases: readonly string[] = [],
  ) {
    const entries: LexiconEntry[] = [...new Set([...BUILTIN_SECRECY_PHRASES, ...extraPhrases])].map((term) => ({
      term,
      severity: 'block',
      categoryId: 'secrecy',
      categoryName: '保密标识',
      allowedContexts: [],
      source: 'builtin',
    }));
    this.phrases = new LexiconScanner(entries, folding);
  }

  detect(text: string, norm?: NormalizedText): TextHit[] {
    const hits: TextHit[] = [];
    const spans: Array<[number, number]> = [];
    const add = (start: number, end: number) => {
      if (spans.some(([s, e]) => start < e && s < end)) return;
      spans.push([start, end]);
      const excerpt = text.slice(start, end);
      hits.push({ rule: RULES.secrecyMark, severity: 'block', start, end, excerpt, message: markMessage(excerpt) });
    };
    LABEL_RE.lastIndex = 0;
    for (let m = LABEL_RE.exec(text); m; m = LABEL_RE.exec(text)) add(m.index, m.index + m[0].length);
    MARK_RE.lastIndex = 0;
    for (let m = MARK_RE.exec(text); m; m = MARK_RE.exec(text)) {
      // "商业秘密*" with a footnote asterisk is not a mark; "秘密*1年" and "秘密★" always are.
      const asteriskOnly = /[*＊][ \t\u3000]*$/.test(m[0]);
      if (asteriskOnly && m.index > 0 && /[\u4e00-\u9fa5]/.test(text[m.index - 1])) continue;
      add(m.index, m.index + m[0].length);
    }
    BARE_LINE_RE.lastIndex = 0;
    for (let m = BARE_LINE_RE.exec(text); m; m = BARE_LINE_RE.exec(text)) {
      const start = m.index + m[0].indexOf(m[2], m[1].length);
      add(start, start + m[2].length);
      if (m[0].length === 0) BARE_LINE_RE.lastIndex++;
    }
    for (const h of this.phrases.scanNormalized(norm ?? this.folding.normalize(text))) {
      if (spans.some(([s, e]) => h.start < e && s < h.end)) continue;
      const excerpt = text.slice(h.start, h.end);
      hits.push({
        rule: RULES.secrecyPhrase,
        severity: 'block',
        start: h.start,
        end: h.end,
        excerpt,
        message: `发现内部或保密标识「${excerpt}」，带此类标识的内容不得公开发布，此项不可忽略：请删除该内容；如确已解除限制，请删除该标识文字后重新提交。`,
      });
    }
    return hits.sort((a, b) => a.start - b.start);
  }
}
