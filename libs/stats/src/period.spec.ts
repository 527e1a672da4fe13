import { AppError } from '@app/common/errors/app-error';
import { beijingDateOf, beijingMidnightUtc, parsePeriod } from './period';

function err(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe('parsePeriod', () => {
  it('turns a year into Beijing-midnight bounds', () => {
    const p = parsePeriod({ year: '2019' });
    expect(p).toMatchObject({ from: '2019-01-01', to: '2019-12-31', grain: 'Y', periodStart: '2019-01-01', year: 2019, label: '2019年度' });
    expect(p.fromUtc.toISOString()).toBe('2018-12-31T16:00:00.000Z');
    expect(p.toUtcExclusive.toISOString()).toBe('2019-12-31T16:00:00.000Z');
  });

  it('places 2018-12-31T17:00Z on 2019-01-01 and 23:30 Beijing on 31 December in 2018', () => {
    expect(beijingDateOf(new Date('2018-12-31T17:00:00Z'))).toBe('2019-01-01');
    expect(beijingDateOf(new Date('2018-12-31T15:30:00Z'))).toBe('2018-12-31');
    const y2019 = parsePeriod({ year: 2019 });
    expect(new Date('2018-12-31T17:00:00Z') >= y2019.fromUtc).toBe(true);
    expect(new Date('2018-12-31T15:30:00Z') < y2019.fromUtc).toBe(true);
    expect(beijingMidnightUtc('2020-03-01').toISOString()).toBe('2020-02-29T16:00:00.000Z');
  });

  it('recognises quarters and months, given either way', () => {
    expect(parsePeriod({ year: 2019, quarter: 2 })).toMatchObject({ from: '2019-04-01', to: '2019-06-30', grain: 'Q', label: '2019年第2季度' });
    expect(parsePeriod({ year: 2020, month: 2 })).toMatchObject({ from: '2020-02-01', to: '2020-02-29', grain: 'M', label: '2020年2月' });
    expect(parsePeriod({ from: '2019-10-01', to: '2019-12-31' })).toMatchObject({ grain: 'Q', periodStart: '2019-10-01' });
    expect(parsePeriod({ from: '2019-01-01', to: '2019-12-31' })).toMatchObject({ grain: 'Y', year: 2019 });
    expect(parsePeriod({ from: '2019-03-01', to: '2019-03-31' })).toMatchObject({ grain: 'M' });
    const c = parsePeriod({ from: '2019-01-15', to: '2019-02-14' });
    expect(c).toMatchObject({ grain: 'custom', periodStart: null, year: null, label: '2019年1月15日至2019年2月14日' });
    expect(parsePeriod({ from: '2019-01-01', to: '2019-02-28' }).grain).toBe('custom');
  });

  it('refuses an end before the start', () => {
    const e = err(() => parsePeriod({ from: '2019-05-01', to: '2019-04-30' }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('PERIOD_END_BEFORE_START');
    expect(e.details).toEqual([{ field: 'to', reason: '早于开始日期' }]);
  });

  it('allows ten years and refuses more', () => {
    expect(parsePeriod({ from: '2014-01-01', to: '2023-12-31' }).grain).toBe('custom');
    const e = err(() => parsePeriod({ from: '2014-01-01', to: '2024-01-01' }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('PERIOD_TOO_LONG');
  });

  it('refuses malformed or contradictory input with field reasons', () => {
    expect(err(() => parsePeriod({})).details).toEqual([{ field: 'year', reason: expect.any(String) }]);
    expect(err(() => parsePeriod({ year: '19a' })).code).toBe('VALIDATION_FAILED');
    expect(err(() => parsePeriod({ year: 2019, from: '2019-01-01', to: '2019-02-01' })).code).toBe('VALIDATION_FAILED');
    expect(err(() => parsePeriod({ year: 2019, quarter: 5 })).details).toEqual([{ field: 'quarter', reason: '必须是 1 至 4' }]);
    expect(err(() => parsePeriod({ year: 2019, month: 13 })).details).toEqual([{ field: 'month', reason: '必须是 1 至 12' }]);
    const bad = err(() => parsePeriod({ from: '2019-02-30', to: '' }));
    expect(bad.details).toEqual([
      { field: 'from', reason: '日期格式应为 YYYY-MM-DD' },
      { field: 'to', reason: '缺少结束日期' },
    ]);
  });
});
