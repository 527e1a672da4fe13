import { channelOverrideProblems } from '../items/channel-overrides-bounds';
import { tooDeepAt } from './json-depth';
import { badStrings } from './string-guard';

describe('input guards', () => {
  it('finds NUL characters and lone surrogates with their field path, in values and keys', () => {
    expect(badStrings({ title: 'ok', attachments: [{ name: 'a\u0000b' }], o: { weibo: { text: 'x\ud800' } } }, '')).toEqual([
      { field: 'attachments.0.name', reason: 'contains a NUL character' },
      { field: 'o.weibo.text', reason: 'contains an unpaired surrogate (not valid Unicode)' },
    ]);
    expect(badStrings({ ['k\udc00']: 1 }, '')).toEqual([{ field: 'body', reason: 'a key contains an unpaired surrogate (not valid Unicode)' }]);
    expect(badStrings('a\u0000', 'id')).toEqual([{ field: 'id', reason: 'contains a NUL character' }]);
    expect(badStrings({ title: '通知😀', body: '\ud83d\ude00' }, '')).toEqual([]);
  });

  it('measures depth without recursion and names the top-level field', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(tooDeepAt({ title: 't', channelOverrides: deep })).toBe('channelOverrides');
    expect(tooDeepAt([[[[1]]]], 3)).toBe('body');
    expect(tooDeepAt({ led: { hours: [{ start: '08:00' }] } })).toBeNull();
  });

  it('bounds channel overrides by channels, values, depth, string length and size', () => {
    expect(channelOverrideProblems({ wechat: { title: 't', digest: 'd' }, led: { hours: [{ start: '08:00', end: '18:00' }] } })).toEqual([]);
    expect(channelOverrideProblems({ weibo: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'x'])) })).toEqual([
      { field: 'channelOverrides.weibo', reason: 'more than 64 values' },
    ]);
    expect(channelOverrideProblems({ wechat: { digest: 'x'.repeat(20_001) } })).toEqual([
      { field: 'channelOverrides.wechat.digest', reason: 'longer than 20000 characters' },
    ]);
    expect(channelOverrideProblems({ wechat: { a: { b: { c: { d: 1 } } } } })).toEqual([
      { field: 'channelOverrides.wechat', reason: 'nested deeper than 3 levels' },
    ]);
    expect(channelOverrideProblems({ wechat: { a: 'x'.repeat(19_000), b: 'y'.repeat(19_000), c: 'z'.repeat(19_000), d: 'w'.repeat(19_000) } })).toEqual([
      { field: 'channelOverrides.wechat', reason: 'larger than 64 KB' },
    ]);
    expect(channelOverrideProblems({ 'Bad Key': {} })[0]).toMatchObject({ field: 'channelOverrides' });
    expect(channelOverrideProblems({ weibo: [] })).toEqual([{ field: 'channelOverrides.weibo', reason: 'must be an object' }]);
  });
});
