import { CALENDAR_DIR } from '../testing/fixtures';
import { overdueDisclosures, overdueInterpretations, staleNewMediaAccounts, stalePortalColumns } from './deadline-rules';
import { WorkingCalendar } from './working-calendar';

const cal = WorkingCalendar.fromDirectory(CALENDAR_DIR);

describe('overdueInterpretations (3 working days)', () => {
  const rows = [
    // Friday before National Day 2024: due 2024-10-08.
    { policyItemId: 'p1', policyTitle: '某县促进就业若干措施', policyPublishedAt: '2024-09-27' },
    { policyItemId: 'p2', policyPublishedAt: '2024-09-27', interpretationPublishedAt: '2024-10-08' },
    { policyItemId: 'p3', policyPublishedAt: '2024-09-27', interpretationPublishedAt: new Date('2024-10-09T01:00:00Z') },
    { policyItemId: 'p4', policyPublishedAt: new Date('2024-10-08T02:00:00Z') },
  ];

  it('lists missing and late interpretations with their due dates', () => {
    const r = overdueInterpretations(rows, cal, '2024-10-10');
    expect(r.map((x) => [x.row.policyItemId, x.status, x.dueDate, x.workingDaysLate])).toEqual([
      ['p1', 'overdue', '2024-10-08', 2],
      ['p3', 'late', '2024-10-08', 1],
    ]);
    expect(r[0].message).toBe('《某县促进就业若干措施》已于2024-09-27发布，其政策解读应在2024-10-08前发布，目前仍未发布，已超期2个工作日。');
  });

  it('is quiet on the due date itself and during the holiday', () => {
    expect(overdueInterpretations(rows.slice(0, 1), cal, '2024-10-08')).toEqual([]);
    expect(overdueInterpretations(rows.slice(0, 1), cal, '2024-10-05')).toEqual([]);
  });
});

describe('overdueDisclosures (20 working days from 成文日期)', () => {
  it('judges only 主动公开 rows with a 成文日期', () => {
    const rows = [
      { itemId: 'a', title: '关于开展春季造林的通知', writtenDate: '2025-01-20' },
      { itemId: 'b', writtenDate: '2025-01-20', publishedAt: '2025-02-21' },
      { itemId: 'c', writtenDate: '2025-01-20', publishedAt: '2025-02-26' },
      { itemId: 'd', writtenDate: '2025-01-20', disclosureAttr: '依申请公开' },
      { itemId: 'e', writtenDate: null },
      { itemId: 'f', writtenDate: '2025-03-01', disclosureAttr: '主动公开' },
    ];
    // 20 working days after Mon 2025-01-20 across the Spring Festival (1/26 and 2/8 are 调休 days): 2025-02-21.
    expect(cal.addWorkingDays('2025-01-20', 20)).toBe('2025-02-21');
    const r = overdueDisclosures(rows, cal, '2025-03-03');
    expect(r.map((x) => [x.row.itemId, x.status, x.dueDate, x.workingDaysLate])).toEqual([
      ['a', 'overdue', '2025-02-21', 6],
      ['c', 'late', '2025-02-21', 3],
    ]);
    expect(r[0].message).toContain('《关于开展春季造林的通知》成文日期为2025-01-20，应在2025-02-21前主动公开');
  });
});

describe('channel staleness', () => {
  it('flags new-media accounts idle for more than 14 days', () => {
    const rows = [
      { accountId: 'wx', name: '某县发布', lastPublishedAt: '2025-03-01' },
      { accountId: 'wb', name: '某县微博', lastPublishedAt: new Date('2025-02-28T17:00:00Z') }, // 2025-03-01 01:00 Shanghai
      { accountId: 'old', lastPublishedAt: '2025-02-20' },
      { accountId: 'new', lastPublishedAt: null, since: '2025-03-10' },
      { accountId: 'never', lastPublishedAt: null },
    ];
    const r = staleNewMediaAccounts(rows, '2025-03-16');
    expect(r.map((x) => [x.row.accountId, x.idleDays])).toEqual([
      ['never', Number.POSITIVE_INFINITY],
      ['old', 24],
      ['wx', 15],
      ['wb', 15],
    ]);
    expect(r.find((x) => x.row.accountId === 'wx')!.message).toBe('政务新媒体账号“某县发布”自2025-03-01以来已15天未发布信息，超过14天更新要求。');
    expect(staleNewMediaAccounts(rows.slice(0, 1), '2025-03-15')).toEqual([]);
  });

  it('flags portal columns idle past their own period', () => {
    const rows = [
      { columnId: 'news', name: '工作动态', periodDays: 14, lastPublishedAt: '2025-03-01' },
      { columnId: 'plan', name: '规划计划', periodDays: 180, lastPublishedAt: '2024-10-01' },
      { columnId: 'rules', name: '政策文件', periodDays: 180, lastPublishedAt: '2024-09-01' },
    ];
    const r = stalePortalColumns(rows, '2025-03-16');
    expect(r.map((x) => [x.row.columnId, x.idleDays])).toEqual([
      ['rules', 196],
      ['news', 15],
    ]);
    expect(r[0].message).toContain('超过该栏目180天的更新周期');
  });
});
