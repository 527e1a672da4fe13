import { loadLexicons } from '../lexicons/lexicon-loader';
import { CharFolding } from '../text/char-folding';
import { LEXICON_DIR } from '../testing/fixtures';
import { TypoDetector } from './typo.detector';

describe('TypoDetector (shipped typo list)', () => {
  const lex = loadLexicons(LEXICON_DIR);
  const detector = new TypoDetector(lex.typos, CharFolding.create(lex.charMaps));
  const found = (text: string) => detector.detect(text).map((h) => [h.excerpt, h.suggestion]);

  it('ships a real starter list', () => {
    expect(lex.typos.length).toBeGreaterThanOrEqual(50);
  });

  it.each([
    ['请按装说明书操作', '按装', '安装'],
    ['既使遇到困难也要完成', '既使', '即使'],
    ['带领群众度过难关', '度过难关', '渡过难关'],
    ['截止目前，已完成', '截止目前', '截至目前'],
    ['认真布署落实', '布署', '部署'],
    ['项目已峻工验收', '峻工', '竣工'],
    ['再接再励', '再接再励', '再接再厉'],
  ])('flags %s', (text, wrong, right) => {
    const hits = detector.detect(text);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: 'typo', severity: 'warn', excerpt: wrong, suggestion: right });
    expect(hits[0].message).toContain(`应为「${right}」`);
    expect(text.slice(hits[0].start, hits[0].end)).toBe(wrong);
  });

  it.each([
    '请按装订线裁剪后上报',
    '按装机容量计算补贴',
    '按装修标准验收',
    '截至目前，已完成',
    '帮助企业渡过难关',
    '安装调试工作已完成',
    '即使遇到困难',
    '度过了难忘的一天',
  ])('leaves correct wording alone: %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});
