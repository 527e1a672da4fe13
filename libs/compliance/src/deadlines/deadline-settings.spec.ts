import { configuredPortalColumns, DEFAULT_INTERPRETATION_KINDS, interpretationKinds, newMediaMaxIdleDays, portalColumnDefaultDays } from './deadline-settings';

describe('deadline settings', () => {
  it('reads portal columns as a list or a map, with the default period, skipping malformed entries', () => {
    expect(configuredPortalColumns({})).toBeNull();
    expect(
      configuredPortalColumns({
        portalColumns: [{ name: '通知公告', periodDays: 14 }, '政策解读', { name: '' }, { periodDays: 3 }, { name: '人事', periodDays: -1 }],
      }),
    ).toEqual([
      { name: '通知公告', periodDays: 14 },
      { name: '政策解读', periodDays: 30 },
      { name: '人事', periodDays: 30 },
    ]);
    expect(configuredPortalColumns({ portalColumns: { 通知公告: 7, 政策文件: '90', 其他: 'x' }, portalColumnDefaultDays: 60 })).toEqual([
      { name: '通知公告', periodDays: 7 },
      { name: '政策文件', periodDays: 90 },
      { name: '其他', periodDays: 60 },
    ]);
    expect(configuredPortalColumns({ portalColumns: [] })).toEqual([]);
    expect(portalColumnDefaultDays({ portalColumnDefaultDays: 0 })).toBe(30);
  });

  it('has defaults for the idle period and the kinds that need an interpretation', () => {
    expect(newMediaMaxIdleDays(undefined)).toBe(14);
    expect(newMediaMaxIdleDays({ newMediaMaxIdleDays: 7 })).toBe(7);
    expect(interpretationKinds({})).toEqual(DEFAULT_INTERPRETATION_KINDS);
    expect(interpretationKinds({ interpretationKinds: ['regulation'] })).toEqual(['regulation']);
    expect(interpretationKinds({ interpretationKinds: [1] })).toEqual(DEFAULT_INTERPRETATION_KINDS);
  });
});
