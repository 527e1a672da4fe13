import { computeInspection } from '@app/compliance/inspection/compute-inspection';
import { VETO_THRESHOLDS } from '@app/compliance/inspection/inspection-rules';
import type { ColumnInput } from '@app/compliance/inspection/inspection.types';
import { indicatorLines, verdictLabel } from './self-check-rules';

const column = (name: string, last: string | null): ColumnInput => ({
  key: `site|${name}`,
  organisationId: 'org',
  accountId: 'site',
  accountName: '门户网站',
  column: name,
  lastPublished: last,
  scheduled: [],
  since: '2025-01-01',
  configured: true,
});

const lines = (columns: ColumnInput[]) =>
  Object.fromEntries(
    indicatorLines(computeInspection({ today: '2025-11-30', columns, accounts: [], policies: [], backdated: [] }), VETO_THRESHOLDS).map((i) => [
      i.id,
      [i.count, i.verdict, verdictLabel(i)],
    ]),
  );

describe('self-check indicator lines', () => {
  it('turns 栏目不更新 into a veto at five stale 动态/要闻 and 通知公告/政策文件 columns, a warning below', () => {
    const stale = ['工作动态', '部门动态', '乡镇动态', '图片新闻', '通知公告'].map((n, i) => column(n, i < 4 ? '2025-11-01' : '2025-05-01'));
    expect(lines([column('首页', '2025-11-29'), ...stale])['site.columns.ruled']).toEqual([5, 'fail', '单项否决']);
    expect(lines([column('首页', '2025-11-29'), ...stale.slice(0, 4)])['site.columns.ruled']).toEqual([4, 'warn', '存在问题（未达否决标准）']);
  });

  it('counts 空白栏目 per site and vetoes at five; a stale 首页 is a veto on its own', () => {
    const blank = ['机构概况', '领导信息', '人事信息', '规划计划', '财政信息'].map((n) => column(n, null));
    const r = lines([column('首页', '2025-11-01'), ...blank]);
    expect(r['site.columns.blank']).toEqual([5, 'fail', '单项否决']);
    expect(r['site.home']).toEqual([1, 'fail', '单项否决']);
    expect(r['site.backdated']).toEqual([0, 'pass', '未发现问题']);
    expect(r['site.interpretation']).toEqual([0, 'pass', '未发现问题']);
  });
});
