import { parseSignedInteger } from './signed-manual';
import { loadTemplates, reportsDir } from './template-registry.service';
import { validateManualEntries } from './report-logic';
import { normaliseTemplate, TemplateError } from './report-template';
import { AppError } from '@app/common/errors/app-error';

describe('signedInteger manual cells (本年增/减 of the 2019 format)', () => {
  it('accepts signed integers as filled tables write them and canonicalises them', () => {
    expect(parseSignedInteger('+173')).toEqual({ value: '173' });
    expect(parseSignedInteger('-2')).toEqual({ value: '-2' });
    expect(parseSignedInteger(' -008 ')).toEqual({ value: '-8' });
    expect(parseSignedInteger('-0')).toEqual({ value: '0' });
    expect(parseSignedInteger(-5)).toEqual({ value: '-5' });
    expect(parseSignedInteger(-0)).toEqual({ value: '0' });
  });

  it('refuses what is not an integer, with a Chinese reason', () => {
    for (const bad of ['1.5', '--1', '+', '', '１', 'abc', 1.5, NaN, null, true, '2e3']) {
      const r = parseSignedInteger(bad);
      expect('reason' in r && r.reason).toBe('必须是整数（减少用负数表示，如 -8）');
    }
    expect(parseSignedInteger('-1000000000001')).toEqual({ reason: '数值过大' });
  });

  it('only signedInteger cells of gov-2019 take negative values; the others still refuse them', () => {
    const tpl = loadTemplates(reportsDir()).get('gov-2019')!;
    expect(validateManualEntries(tpl, { 't2.penalty.change': '-2', 't2.license.change': '+1' })).toEqual(
      new Map([
        ['t2.penalty.change', '-2'],
        ['t2.license.change', '1'],
      ]),
    );
    let err: AppError | undefined;
    try {
      validateManualEntries(tpl, { 't2.penalty.previous': -2, 't2.penalty.change': '1.5', 't2.normative.made': 3 });
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.details).toEqual([
      { field: 'entries.t2.penalty.previous', reason: '不能为负数（须为非负整数）' },
      { field: 'entries.t2.penalty.change', reason: '必须是整数（减少用负数表示，如 -8）' },
      { field: 'entries.t2.normative.made', reason: '该单元格由系统计算，不能手工填报' },
    ]);
  });

  it('a template naming an unknown manual type fails to load', () => {
    const raw = { id: 'x', layout: 'B', title: 't', tables: [{ id: 't', sections: [{ rows: [{ id: 'a', label: 'a', manual: 'signed' }] }] }] };
    expect(() => normaliseTemplate(raw)).toThrow(TemplateError);
  });
});
