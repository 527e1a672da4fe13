import { AppError } from '@app/common/errors/app-error';
import { computeSums, evaluateChecks, parseManualValue, validateManualEntries, validateSignoff } from './report-logic';
import { loadTemplates, reportsDir } from './template-registry.service';

function err(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe('manual entries', () => {
  const templates = loadTemplates(reportsDir());
  const a = templates.get('gov-2014')!;

  it('accepts counts and amounts in canonical form', () => {
    expect(parseManualValue('integer', 12)).toEqual({ value: '12' });
    expect(parseManualValue('integer', '007')).toEqual({ value: '7' });
    expect(parseManualValue('decimal', 0.35)).toEqual({ value: '0.35' });
    expect(parseManualValue('decimal', '50.1234')).toEqual({ value: '50.1234' });
  });

  it('refuses negative counts, fractions of a count and wrong types', () => {
    expect(parseManualValue('integer', -1)).toEqual({ reason: '不能为负数（须为非负整数）' });
    expect(parseManualValue('integer', '-3')).toEqual({ reason: '不能为负数（须为非负整数）' });
    expect(parseManualValue('integer', 1.5)).toEqual({ reason: '必须是非负整数' });
    expect(parseManualValue('integer', 'abc')).toEqual({ reason: '必须是非负整数' });
    expect(parseManualValue('integer', true)).toEqual({ reason: '必须是非负整数' });
    expect(parseManualValue('decimal', -0.5)).toEqual({ reason: '不能为负数' });
    expect(parseManualValue('decimal', '1.23456')).toEqual({ reason: '最多保留4位小数' });
    expect(parseManualValue('decimal', NaN)).toEqual({ reason: '必须是数字' });
  });

  it('validates a request body against the template, listing every problem', () => {
    const ok = validateManualEntries(a, { '3-1': 5, '7': '1.5', '9-3': null });
    expect(Object.fromEntries(ok)).toEqual({ '3-1': '5', '7': '1.5', '9-3': null });
    const e = err(() => validateManualEntries(a, { '3-1': -2, '1-1': 10, nope: 1, '8-3': 'x' }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual([
      { field: 'entries.3-1', reason: '不能为负数（须为非负整数）' },
      { field: 'entries.1-1', reason: '该单元格由系统计算，不能手工填报' },
      { field: 'entries.nope', reason: '报表中没有该单元格' },
      { field: 'entries.8-3', reason: '必须是非负整数' },
    ]);
    expect(err(() => validateManualEntries(a, [1, 2])).details).toEqual([{ field: 'entries', reason: expect.any(String) }]);
  });

  it('sums and checks table 三 of the 2021 format per column', () => {
    const b = templates.get('gov-2021')!;
    const v = new Map<string, number | null>([
      ['t3.new.natural', 10],
      ['t3.carried.natural', 2],
      ['t3.public.natural', 6],
      ['t3.denied-1.natural', 1],
      ['t3.denied-4.natural', 2],
      ['t3.carryOver.natural', 3],
      ['t3.new.commercial', 4],
      ['t3.public.commercial', 3],
    ]);
    computeSums(b, v);
    expect(v.get('t3.denied.natural')).toBe(3);
    expect(v.get('t3.resultTotal.natural')).toBe(9);
    expect(v.get('t3.new.total')).toBe(14);
    expect(v.get('t3.resultTotal.total')).toBe(12);
    const checks = evaluateChecks(b, v);
    expect(checks.find((c) => c.id === 't3-balance.natural')).toMatchObject({ ok: true, detail: '10 + 2 = 9 + 3' });
    expect(checks.find((c) => c.id === 't3-balance.commercial')).toMatchObject({ ok: false, lhs: 4, rhs: 3, detail: '4 + 0 ≠ 3 + 0' });
    expect(checks.find((c) => c.id === 't3-balance.total')).toMatchObject({ ok: false, lhs: 16, rhs: 15 });
  });

  it('adds 万元 amounts exactly', () => {
    const b = templates.get('gov-2014')!;
    const v = new Map<string, number | null>([
      ['1-1', 3],
      ['1-2-2', 3],
      ['1-2-4', 1],
    ]);
    const checks = evaluateChecks(b, v);
    expect(checks.find((c) => c.id === 'total-le-channels')).toMatchObject({ ok: true, detail: '3 ≤ 0 + 3 + 0 + 1 + 0' });
    expect(checks.find((c) => c.id === 'portal-le-total')!.ok).toBe(true);
    v.set('1-2-1', 4);
    expect(evaluateChecks(b, v).find((c) => c.id === 'gazette-le-total')).toMatchObject({ ok: false, detail: '4 > 3' });
  });

  it('requires the whole sign-off footer', () => {
    const s = validateSignoff({ unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' });
    expect(s.phone).toBe('0744-8596033');
    const e = err(() => validateSignoff({ unitHead: ' ', reviewer: 'a', preparer: 'b', phone: 'call me', filledDate: '2019-02-30' }));
    expect(e.details).toEqual([
      { field: 'signoff.unitHead', reason: '请填写单位负责人' },
      { field: 'signoff.phone', reason: '联系电话格式不正确' },
      { field: 'signoff.filledDate', reason: '日期格式应为 YYYY-MM-DD' },
    ]);
  });
});
