import type { VETO_THRESHOLDS } from '@app/compliance/inspection/inspection-rules';
import type { InspectionResult, TargetResult, Veto } from '@app/compliance/inspection/inspection.types';
import type { SelfCheckIndicator } from './self-check.types';

/**
 * The indicators the monthly 自查 reports, as the inspectors apply them; the rules themselves (periods, column
 * kinds, thresholds) are libs/compliance/src/inspection/inspection-rules.ts (helper S5), cited there too. Source:
 * 《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）,
 * 附件1《政府网站与政务新媒体检查指标》:
 *   - 单项否决 “首页不更新”: 监测2周，首页无信息更新的，即单项否决;
 *   - 单项否决 “栏目不更新”: 1. 监测时间点前2周内的动态、要闻类栏目，以及监测时间点前6个月内的通知公告、政策文件类
 *     一级栏目，累计超过（含）5个未更新; 2. 应更新但长期未更新的栏目数量超过（含）10个; 3. 空白栏目数量超过（含）5个;
 *   - 单项否决 “安全、泄密事故等严重问题” 5. 存在弄虚作假行为（如伪造发稿日期等）;
 *   - 政务新媒体 单项否决 “内容不更新”: 监测时间点前2周内无更新;
 *   - 扣分指标 “发布解读 / 政策解读”: 未发布解读、政策文件与解读材料未相互关联.
 * The notice's own page on www.gov.cn was not found by our search; the rows are quoted as above in filled
 * self-check tables (a 民政局 2022年第四季度 检查表: 指标 | 评分细则 | 检查情况, the layout of section 一 here), in
 * https://cpxtsg.com/gkml/wzcc/202102/t20210226_31892 (a 自查 “以6月20日为监测点 … 政策文件类一级栏目未更新，扣5分”),
 * in the 2017 普查评分表 (https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html), and monthly checks
 * are required e.g. by 辽政办公开〔2019〕15号 (“每月对本地区政府网站及政务新媒体进行抽查检查”). Where the text leaves room, the stricter
 * reading is modelled there (a portal's last publication in any column stands for its 首页).
 */
export const BASIS = '依据《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）';

type Thresholds = typeof VETO_THRESHOLDS;

/** Per portal site (account), the counts each 栏目不更新 row speaks of, counted as computeInspection counts them. */
function perSite(columns: TargetResult[]) {
  const sites = new Map<string, { name: string; ruled: number; stale: number; blank: number }>();
  for (const c of columns) {
    const s = sites.get(c.accountId) ?? { name: c.accountName, ruled: 0, stale: 0, blank: 0 };
    if ((c.rule === 'news' || c.rule === 'notice') && c.status !== 'ok') s.ruled++;
    if (c.rule !== 'home' && c.status !== 'ok' && (c.period || c.status === 'blank')) s.stale++;
    if (c.status === 'blank') s.blank++;
    sites.set(c.accountId, s);
  }
  return [...sites.values()];
}

/**
 * The summary table of the 自查: one line per indicator of 国办秘函〔2019〕19号 the product can check, with the
 * rule as the inspectors apply it and what computeInspection (libs/compliance/src/inspection) found: `fail`
 * when the indicator decides the inspection (a veto) or loses points, `warn` when columns are behind but
 * fewer than the veto threshold, `pass` when nothing was found.
 */
export function indicatorLines(r: InspectionResult, th: Thresholds): SelfCheckIndicator[] {
  const sites = perSite(r.columns);
  const vetoes = (code: Veto['code']) => r.vetoes.filter((v) => v.code === code);
  const worst = (k: 'ruled' | 'stale' | 'blank') => sites.reduce((m, s) => Math.max(m, s[k]), 0);
  const list = (k: 'ruled' | 'stale' | 'blank') =>
    sites
      .filter((s) => s[k] > 0)
      .map((s) => `${s.name}${s[k]}个`)
      .join('；');
  const found = (n: number, text: string) => (n ? text : '未发现');
  const columnsLine = (id: string, indicator: string, rule: string, k: 'ruled' | 'stale' | 'blank', code: Veto['code'], what: string): SelfCheckIndicator => ({
    id,
    object: '政府网站',
    indicator,
    rule,
    veto: true,
    count: worst(k),
    finding: found(worst(k), `${what}：${list(k)}`),
    verdict: vetoes(code).length ? 'fail' : worst(k) ? 'warn' : 'pass',
  });
  const home = vetoes('home-stale');
  const stale = vetoes('new-media-stale');
  const back = vetoes('backdated');
  const cov = r.interpretation;
  const gaps = cov.missing.length + cov.unlinked.length;
  return [
    {
      id: 'site.home',
      object: '政府网站',
      indicator: '首页不更新',
      rule: '监测2周，首页无信息更新的，即单项否决',
      veto: true,
      count: home.length,
      finding: found(home.length, home.map((v) => v.message).join('')),
      verdict: home.length ? 'fail' : 'pass',
    },
    columnsLine(
      'site.columns.ruled',
      '栏目不更新（动态要闻、通知公告、政策文件类）',
      `监测时间点前2周内的动态、要闻类栏目，以及前6个月内的通知公告、政策文件类栏目，累计超过（含）${th.staleRuledColumns}个未更新，即单项否决`,
      'ruled',
      'ruled-columns-stale',
      '未按期更新',
    ),
    columnsLine(
      'site.columns.stale',
      '栏目不更新（应更新栏目）',
      `应更新但长期未更新的栏目数量超过（含）${th.staleColumns}个，即单项否决`,
      'stale',
      'columns-stale',
      '未按期更新或空白',
    ),
    columnsLine('site.columns.blank', '空白栏目', `空白栏目数量超过（含）${th.blankColumns}个，即单项否决`, 'blank', 'blank-columns', '空白栏目'),
    {
      id: 'site.backdated',
      object: '政府网站',
      indicator: '弄虚作假（伪造发稿日期）',
      rule: '存在弄虚作假行为（如伪造发稿日期等），即单项否决；发布日期不得早于首次确认发布日期',
      veto: true,
      count: back.length,
      finding: found(back.length, `${back.length}条信息的发布日期早于首次确认发布日期`),
      verdict: back.length ? 'fail' : 'pass',
    },
    {
      id: 'site.interpretation',
      object: '政府网站',
      indicator: '政策解读',
      rule: '政策文件应同步发布解读材料，政策文件与解读材料应相互关联（扣分指标）',
      veto: false,
      count: gaps,
      finding:
        cov.policies === 0
          ? '检查时间点前12个月内无须解读的政策文件'
          : `政策文件${cov.policies}件，已解读${cov.covered}件（${pct(cov.ratio)}）` +
            (cov.missing.length ? `，未解读${cov.missing.length}件` : '') +
            (cov.unlinked.length ? `，未双向关联${cov.unlinked.length}处` : ''),
      verdict: gaps ? 'fail' : 'pass',
    },
    {
      id: 'newmedia.stale',
      object: '政务新媒体',
      indicator: '内容不更新',
      rule: '监测时间点前2周内无更新的，即单项否决',
      veto: true,
      count: stale.length,
      finding: found(
        stale.length,
        r.accounts
          .filter((a) => a.status !== 'ok')
          .map((a) => `${a.accountName}${a.lastPublishedDate ? `最近发布${a.lastPublishedDate}` : '从未发布'}`)
          .join('；'),
      ),
      verdict: stale.length ? 'fail' : 'pass',
    },
  ];
}

export function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v * 1000) / 10}%`;
}

/** 单项否决 / 扣分 for a failing line, 存在问题（未达否决标准） below a veto threshold, else 未发现问题. */
export function verdictLabel(i: Pick<SelfCheckIndicator, 'verdict' | 'veto'>): string {
  if (i.verdict === 'pass') return '未发现问题';
  if (i.verdict === 'warn') return '存在问题（未达否决标准）';
  return i.veto ? '单项否决' : '扣分';
}
