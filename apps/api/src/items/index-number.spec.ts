import { formatIndexNo, validateScheme } from './index-number';

describe('索引号 scheme', () => {
  it('formats the tokens', () => {
    expect(formatIndexNo('{orgCode}/{yyyy}-{seq:5}', 'sfx', 2026, 3, 42)).toBe('sfx/2026-00042');
    expect(formatIndexNo('{orgCode}-{yyyy}{mm}-{seq}', 'a', 2026, 3, 7)).toBe('a-202603-7');
  });

  it('refuses schemes without a sequence or with unknown tokens', () => {
    expect(() => validateScheme('{orgCode}/{yyyy}')).toThrow(/seq/);
    expect(() => validateScheme('{orgCode}/{seq:4}/{dept}')).toThrow(/dept/);
    expect(() => validateScheme('{orgCode}/{yyyy}-{seq:6}')).not.toThrow();
  });
});
