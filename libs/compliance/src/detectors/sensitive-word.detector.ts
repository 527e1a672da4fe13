import { RULES, TextHit } from '../finding';
import { LexiconEntry } from '../lexicons/lexicon-loader';
import { LexiconScanner, MatcherFactory, ahoCorasickFactory } from '../lexicons/lexicon-scanner';
import { CharFolding, NormalizedText } from '../text/char-folding';

/**
 * Lexicon terms (severity per category or per term) matched over folded text: full-width, traditional,
 * upper-case and spaced-out or zero-width-split spellings all count, positions stay in the original.
 * An occurrence inside one of the term's allowed contexts is not a finding.
 */
export class SensitiveWordDetector {
  readonly scanner: LexiconScanner;

  constructor(
    entries: readonly LexiconEntry[],
    private readonly folding: CharFolding,
    factory: MatcherFactory = ahoCorasickFactory,
  ) {
    this.scanner = new LexiconScanner(entries, folding, factory);
  }

  detect(text: string, norm?: NormalizedText): TextHit[] {
    return this.scanner.scanNormalized(norm ?? this.folding.normalize(text)).map(({ entry, start, end }) => {
      const excerpt = text.slice(start, end);
      const spelled = excerpt.replace(/\s+/g, '') !== entry.term ? `（词库词条「${entry.term}」）` : '';
      const advice = entry.suggestion ? `建议改为「${entry.suggestion}」。` : '';
      const note = entry.note ? `${entry.note.replace(/[。.]$/, '')}。` : '';
      const ask = entry.severity === 'block' ? '此项须修改后才能提交。' : entry.severity === 'review' ? '请修改，或由审核人确认后保留。' : '请编辑核实。';
      return {
        rule: RULES.sensitiveWord,
        severity: entry.severity,
        start,
        end,
        excerpt,
        message: `发现需审慎使用的词语「${excerpt}」${spelled}，类别：${entry.categoryName}。${note}${advice}${ask}`,
        suggestion: entry.suggestion,
        category: entry.categoryId,
      };
    });
  }
}
