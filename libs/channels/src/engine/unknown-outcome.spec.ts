import { giveUpMessage, unknownCheckDelayMs } from './unknown-outcome';

describe('unknown outcome: checks bounded by time', () => {
  it('backs off exponentially from seconds to minutes (and no further)', () => {
    const top = (n: number) => unknownCheckDelayMs(n, () => 1);
    expect(top(1)).toBe(2000);
    expect(top(2)).toBe(4000);
    expect(top(5)).toBe(32_000);
    expect(top(9)).toBe(512_000);
    expect(top(10)).toBe(10 * 60_000);
    expect(top(50)).toBe(10 * 60_000);
    expect(unknownCheckDelayMs(10, () => 0)).toBe(5 * 60_000);
    // A day of checks at the cap is a few hundred, not a check every two seconds.
    let t = 0;
    let n = 0;
    while (t < 24 * 3600_000) t += unknownCheckDelayMs(++n, () => 0.5);
    expect(n).toBeLessThan(250);
  });

  it('the give-up message tells a person what to do, in Chinese', () => {
    const m = giveUpMessage('unknown', 24 * 3600_000, '查询超时');
    expect(m).toContain('24小时');
    expect(m).toContain('待人工核实');
    expect(m).toContain('标记为已发布');
  });
});
