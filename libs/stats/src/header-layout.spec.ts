import { headerLayout } from './header-layout';

describe('headerLayout', () => {
  it('stacks nested groups, merges runs of columns under a group and lets labels reach the last row (gov-2021 table 三)', () => {
    const g = (groups: string, label: string) => ({ label, groups: groups ? groups.split('/') : [] });
    const { depth, cells } = headerLayout([
      g('申请人情况', '自然人'),
      g('申请人情况/法人或其他组织', '商业企业'),
      g('申请人情况/法人或其他组织', '科研机构'),
      g('申请人情况/法人或其他组织', '其他'),
      g('申请人情况', '总计'),
    ]);
    expect(depth).toBe(3);
    expect(cells.map((c) => [c.text, c.row, c.col, c.rowSpan, c.colSpan, c.group])).toEqual([
      ['申请人情况', 0, 0, 1, 5, true],
      ['自然人', 1, 0, 2, 1, false],
      ['法人或其他组织', 1, 1, 1, 3, true],
      ['总计', 1, 4, 2, 1, false],
      ['商业企业', 2, 1, 1, 1, false],
      ['科研机构', 2, 2, 1, 1, false],
      ['其他', 2, 3, 1, 1, false],
    ]);
  });

  it('is one row of labels when no column has a group; equal group names apart are not merged', () => {
    expect(
      headerLayout([
        { label: '本年制发件数', groups: [] },
        { label: '本年废止件数', groups: [] },
      ]),
    ).toEqual({
      depth: 1,
      cells: [
        { text: '本年制发件数', row: 0, col: 0, rowSpan: 1, colSpan: 1, group: false },
        { text: '本年废止件数', row: 0, col: 1, rowSpan: 1, colSpan: 1, group: false },
      ],
    });
    const split = headerLayout([
      { label: 'a', groups: ['甲'] },
      { label: 'b', groups: [] },
      { label: 'c', groups: ['甲'] },
    ]);
    expect(split.cells.filter((c) => c.text === '甲').map((c) => [c.col, c.colSpan])).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });
});
