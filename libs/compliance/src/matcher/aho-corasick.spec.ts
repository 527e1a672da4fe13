import { AhoCorasick } from './aho-corasick';
import { MatchBuffer } from './match-buffer';
import { NaiveMatcher } from './naive-matcher';

function scanAll(m: { scan: (c: Uint16Array, n: number, b: MatchBuffer) => void }, text: string): string[] {
  const codes = Uint16Array.from(text, (c) => c.charCodeAt(0));
  const buf = new MatchBuffer(4);
  m.scan(codes, codes.length, buf);
  const out: string[] = [];
  for (let k = 0; k < buf.count; k++) out.push(`${buf.pattern[k]}@${buf.end[k]}`);
  return out.sort();
}

/** Deterministic PRNG so a failure can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('AhoCorasick', () => {
  it('finds every occurrence, overlapping and nested', () => {
    const ac = AhoCorasick.build(['he', 'she', 'his', 'hers']);
    expect(ac.findAll('ushers')).toEqual([
      { pattern: 1, start: 1, end: 4 },
      { pattern: 0, start: 2, end: 4 },
      { pattern: 3, start: 2, end: 6 },
    ]);
    expect(
      AhoCorasick.build(['aa'])
        .findAll('aaaa')
        .map((m) => m.start),
    ).toEqual([0, 1, 2]);
  });

  it('works on Chinese text and follows failure links across terms', () => {
    const ac = AhoCorasick.build(['政务公开', '公开', '务公', '信息公开工作']);
    const found = ac.findAll('推进政务公开和信息公开工作').map((m) => `${m.pattern}:${m.start}`);
    expect(found.sort()).toEqual(['0:2', '1:4', '1:9', '2:3', '3:7'].sort());
  });

  it('reports duplicates under the first index and finds nothing in unrelated text', () => {
    const ac = AhoCorasick.build(['安装', '按装', '安装']);
    expect(ac.findAll('按装安装').map((m) => m.pattern)).toEqual([1, 0]);
    expect(ac.findAll('完全无关的文字')).toEqual([]);
    expect(() => AhoCorasick.build([''])).toThrow();
  });

  it('agrees with the naive matcher on random lexicons and texts', () => {
    const rnd = mulberry32(42);
    const alphabet = '政务公开信息工作推进落实审查保密网站';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let round = 0; round < 30; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => pick(1 + Math.floor(rnd() * 4)));
      const text = pick(2000);
      const ac = AhoCorasick.build(patterns);
      const expected = scanAll(new NaiveMatcher(patterns), text);
      expect(scanAll(ac, text)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('handles a large alphabet (thousands of distinct CJK characters)', () => {
    const rnd = mulberry32(7);
    const cjk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(0x4e00 + Math.floor(rnd() * 6000))).join('');
    const patterns = Array.from({ length: 3000 }, () => cjk(2 + Math.floor(rnd() * 3)));
    const text = cjk(5000) + patterns[17] + cjk(10) + patterns[2999];
    const ac = AhoCorasick.build(patterns);
    expect(scanAll(ac, text)).toEqual(scanAll(new NaiveMatcher(patterns), text));
    expect(scanAll(ac, text)).toEqual(expect.arrayContaining([`17@${5000 + patterns[17].length}`]));
  });
});
