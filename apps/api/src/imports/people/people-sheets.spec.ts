import { columnLetter, levelFits, parseLevel, parseRoles } from './people-sheets';

describe('people import sheets', () => {
  it('reads roles as the console names them, separated by 、 ， , or spaces; names the unknown ones', () => {
    expect(parseRoles('信息员、审核人')).toEqual({ roles: ['editor', 'reviewer'], unknown: [] });
    expect(parseRoles('审核负责人，分管领导, 管理员')).toEqual({ roles: ['reviewer_lead', 'leader', 'admin'], unknown: [] });
    expect(parseRoles('信息员 信息员')).toEqual({ roles: ['editor'], unknown: [] });
    expect(parseRoles('编辑、统计员')).toEqual({ roles: ['statistician'], unknown: ['编辑'] });
    expect(parseRoles('')).toEqual({ roles: [], unknown: [] });
  });

  it('reads levels by their Chinese label, label + 级, or stored value, and orders them', () => {
    expect(['省', '市级', 'county', '乡镇', '部门', '街道'].map(parseLevel)).toEqual(['province', 'city', 'county', 'township', 'department', 'township']);
    expect(parseLevel('科')).toBeNull();
    expect(levelFits('county', 'department')).toBe(true);
    expect(levelFits('department', 'department')).toBe(true);
    expect(levelFits('township', 'department')).toBe(true);
    expect(levelFits('county', 'city')).toBe(false);
    expect(levelFits('department', 'township')).toBe(false);
    expect(levelFits('city', 'city')).toBe(false);
  });

  it('names columns as Excel does', () => {
    expect([0, 2, 25, 26, 27, 51, 52].map(columnLetter)).toEqual(['A', 'C', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });
});
