import { BREAK, CharFolding } from './char-folding';

describe('CharFolding', () => {
  const f = CharFolding.create([
    new Map([
      ['國', '国'],
      ['資', '资'],
      ['Ｑ', 'q'],
    ]),
  ]);

  it('folds width and case, maps traditional characters, drops spaces, punctuation and zero-width', () => {
    expect(f.foldTerm('ＡＢＣ abc')).toBe('abcabc');
    expect(f.foldTerm('國 資')).toBe('国资');
    expect(f.foldTerm('国\u200b\u200d\ufeff资')).toBe('国资');
    expect(f.foldTerm('国，资。“源”、★☆·—…')).toBe('国资源');
    expect(f.foldTerm('１２３')).toBe('123');
    expect(f.foldTerm('Ａ')).toBe('a');
  });

  it('keeps line breaks as a hard break and maps positions back', () => {
    const text = ' 国 \n資';
    const n = f.normalize(text);
    expect(Array.from(n.codes.subarray(0, n.length))).toEqual(['国'.charCodeAt(0), BREAK, '资'.charCodeAt(0)]);
    expect(Array.from(n.pos.subarray(0, n.length))).toEqual([1, 3, 4]);
  });

  it('leaves letters, digits and CJK characters alone', () => {
    expect(f.foldTerm('政务公开2024')).toBe('政务公开2024');
  });
});
