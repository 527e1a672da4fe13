import { RULES, TextHit } from '../finding';
import { LexiconEntry } from '../lexicons/lexicon-loader';
import { LexiconScanner } from '../lexicons/lexicon-scanner';
import { CharFolding, NormalizedText } from '../text/char-folding';

/**
 * Common misspellings in official writing (wrong → right pairs from config/lexicons, kind `typos`).
 * Warn only: the editor fixes or ignores. Allowed contexts keep legitimate neighbours quiet
 * ("按装订线裁剪" is not "安装").
 */
export class TypoDetector {
  private readonly scanner: LexiconScanner;

  constructor(
    entries: readonly LexiconEntry[],
    private readonly folding: CharFolding,
  ) {
    this.scanner = new LexiconScanner(entries, folding);
  }

  detect(text: string, norm?: NormalizedText): TextHit[] {
    return this.scanner.scanNormalized(norm ?? this.folding.normalize(text)).map(({ entry, start, end }) => {
      const excerpt = text.slice(start, end);
      const note = entry.note ? `（${entry.note.replace(/[。.]$/, '')}）` : '';
      return {
        rule: RULES.typo,
        severity: entry.severity,
        start,
        end,
        excerpt,
        message: `疑似错别字「${excerpt}」，应为「${entry.suggestion}」${note}。`,
        suggestion: entry.suggestion,
        category: entry.categoryId,
      };
    });
  }
}
