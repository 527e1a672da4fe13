import { LexiconEntry } from '../lexicons/lexicon-loader';
import { NaiveMatcher } from '../matcher/naive-matcher';
import { CharFolding } from '../text/char-folding';
import { SensitiveWordDetector } from './sensitive-word.detector';

function entry(term: string, extra: Partial<LexiconEntry> = {}): LexiconEntry {
  return { term, severity: 'review', categoryId: 'political-expression', categoryName: '政治表述规范', allowedContexts: [], source: 'spec', ...extra };
}

const folding = CharFolding.create([
  new Map([
    ['國', '国'],
    ['華', '华'],
    ['臺', '台'],
    ['灣', '湾'],
    ['統', '统'],
    ['資', '资'],
    ['時', '时'],
  ]),
]);
const entries = [
  entry('中华民国', { allowedContexts: ['中华民国时期'] }),
  entry('台湾总统', { suggestion: '台湾地区领导人' }),
  entry('国土资源局', {
    severity: 'warn',
    categoryId: 'outdated-agency',
    categoryName: '机构名称已调整',
    suggestion: '自然资源局',
    allowedContexts: ['原国土资源局'],
  }),
  entry('旅游局', { severity: 'warn', categoryId: 'outdated-agency', categoryName: '机构名称已调整', allowedContexts: ['文化和旅游局'] }),
  entry('总统', { severity: 'warn', categoryId: 'demo', categoryName: '演示' }),
  entry('ABC', { severity: 'block', categoryId: 'demo', categoryName: '演示' }),
];
const detector = new SensitiveWordDetector(entries, folding);
const hits = (text: string) => detector.detect(text).map((h) => [text.slice(h.start, h.end), h.severity]);

describe('SensitiveWordDetector', () => {
  it('finds terms with their lexicon severity, suggestion and category', () => {
    const [h] = detector.detect('所谓台湾总统的说法是错误的');
    expect(h).toMatchObject({
      rule: 'sensitive-word',
      severity: 'review',
      excerpt: '台湾总统',
      suggestion: '台湾地区领导人',
      category: 'political-expression',
    });
    expect(h.message).toContain('建议改为「台湾地区领导人」');
    expect(h.message).toContain('政治表述规范');
  });

  it('matches traditional, full-width, upper-case and split spellings, reporting original offsets', () => {
    expect(hits('中華民國')).toEqual([['中華民國', 'review']]);
    expect(hits('中 华 民 国')).toEqual([['中 华 民 国', 'review']]);
    expect(hits('中\u200b华·民-国')).toEqual([['中\u200b华·民-国', 'review']]);
    expect(hits('x ａｂｃ y')).toEqual([['ａｂｃ', 'block']]);
    expect(hits('abc')).toEqual([['abc', 'block']]);
    expect(hits('A B C')).toEqual([['A B C', 'block']]);
  });

  it('does not match across a line break', () => {
    expect(hits('中华\n民国')).toEqual([]);
  });

  it('skips occurrences inside an allowed context, even when spelled differently', () => {
    expect(hits('中华民国时期的档案')).toEqual([]);
    expect(hits('中華民國時期')).toEqual([]);
    expect(hits('原国土资源局的职责')).toEqual([]);
    expect(hits('县国土资源局')).toEqual([['国土资源局', 'warn']]);
    expect(hits('县文化和旅游局、县旅游局')).toEqual([['旅游局', 'warn']]);
    expect(hits('中华民国时期和中华民国')).toEqual([['中华民国', 'review']]);
  });

  it('keeps the longer hit when a shorter one of equal or lower severity lies inside it', () => {
    expect(hits('台湾总统')).toEqual([['台湾总统', 'review']]);
    expect(hits('美国总统')).toEqual([['总统', 'warn']]);
  });

  it('does not flag text without terms', () => {
    expect(detector.detect('2016年，我们紧紧围绕党和政府中心工作及公众期盼，认真贯彻落实政务公开工作。')).toEqual([]);
    expect(detector.detect('')).toEqual([]);
  });

  it('gives the same findings with the naive matcher', () => {
    const naive = new SensitiveWordDetector(entries, folding, (p) => new NaiveMatcher(p));
    const text = '台湾总统、中華民國、中华民国时期、县旅游局与文化和旅游局、ａｂｃ、美国总统，国 土 资 源 局。';
    expect(naive.detect(text)).toEqual(detector.detect(text));
    expect(detector.detect(text)).toHaveLength(6);
  });
});
