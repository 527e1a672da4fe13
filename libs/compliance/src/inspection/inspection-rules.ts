import { fromDayNumber, toDayNumber, type DateLike } from '../deadlines/calendar-date';
import type { ColumnRule, UpdatePeriod } from './inspection.types';

/**
 * The update rules of the national inspection of government websites and 政务新媒体, as data.
 *
 * Source: 《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》
 * (国办秘函〔2019〕19号, 2019-04), 附件1《政府网站与政务新媒体检查指标》. The text used here is the one
 * reproduced in filled self-check tables and provincial transpositions, e.g.
 *   - 辽宁省人民政府办公厅 辽政办公开〔2019〕15号, transposing 国办秘函〔2019〕19号 (copy seen at
 *     indiasphere.net/web/zwgkx/zfxxgk1/xgfgwj/qtfgwj/3867C7DA75CF40EABA4EA0D9BDB45FB0/index.shtml);
 *   - 国家机关事务管理局 2019年第二季度网站自查结果 (监测点 6月20日: "监测时间点前6个月内，政策文件类一级栏目
 *     未更新，扣5分"; copy seen at cpxtsg.com/gkml/wzcc/202102/t20210226_31892);
 *   - a 民政局 2022年第四季度政府网站检查表 quoting the indicator rows verbatim (no address kept);
 *   - 全国政府网站普查评分表 (2015, 附件2; max.book118.com/html/2017/0524/108896749.shtm), the origin of the
 *     2-week / 6-month rows, and its explanation of 空白栏目;
 *   - 国务院办公厅 2020年政府网站和政务新媒体检查情况通报 (2020-11-26,
 *     zh.wikisource.org/wiki/2020年政府网站和政务新媒体检查情况通报), which applies these indicators.
 * Rows used (第一部分 单项否决指标):
 *   - 安全、泄密事故等严重问题 5. "存在弄虚作假行为（如伪造发稿日期等）" → 单项否决 (backdating, see below);
 *   - 首页不更新: "监测2周，首页无信息更新的，即单项否决。如首页仅为网站栏目导航入口，所有二级页面无信息更新的，即单项否决";
 *   - 栏目不更新: "1.监测时间点前2周内的动态、要闻类栏目，以及监测时间点前6个月内的通知公告、政策文件类一级栏目，
 *     累计超过（含）5个未更新；2.应更新但长期未更新的栏目数量超过（含）10个；3.空白栏目数量超过（含）5个。
 *     上述情况出现任意一种，即单项否决";
 *   - 政务新媒体 单项否决 "内容不更新": 监测时间点前2周内无更新.
 * 空白栏目 = a column that has published nothing since it was opened (第一次全国政府网站普查 explanations).
 * 政策解读 (第二部分 扣分指标, 解读回应): policies published with their interpretation, the two linked to
 * each other ("政策文件与解读材料应相互关联").
 *
 * Days: the indicators speak of "监测2周", "监测时间点前2周内", "前6个月内" — calendar periods counted back
 * from the monitoring point, not the working days of 条例 deadlines (第二十六条's 20 个工作日). So the
 * rules count calendar days (and calendar months); the holiday calendar only moves reminders (a reminder
 * due on a holiday is sent the working day before) and gives the "working days left" shown beside a
 * forecast. A column last updated on day D meets a two-week rule up to day D + 14 and breaches on D + 15
 * (same convention as deadline-rules.ts staleness); a six-month column last updated on D breaches the day
 * after the same date six months later (clamped to the month's end).
 */

export type { ColumnRule, UpdatePeriod };

export const COLUMN_RULES: Record<ColumnRule, { label: string; period: UpdatePeriod | null }> = {
  home: { label: '首页', period: { days: 14 } },
  news: { label: '动态、要闻类栏目', period: { days: 14 } },
  notice: { label: '通知公告、政策文件类栏目', period: { months: 6 } },
  other: { label: '其他栏目', period: null },
};

/** 政务新媒体 "监测时间点前2周内无更新". */
export const NEW_MEDIA_PERIOD: UpdatePeriod = { days: 14 };

/** Thresholds of 栏目不更新 (each "超过（含）"), overridable per organisation (settings.inspectionThresholds). */
export const VETO_THRESHOLDS = { staleRuledColumns: 5, staleColumns: 10, blankColumns: 5 };

/** Name patterns of the column kinds the indicators name; an organisation's settings.inspectionColumns win. */
const NEWS = /动态|要闻|新闻|工作进展|工作动态/;
const NOTICE = /通知公告|公示公告|公告公示|通知|公告|政策文件|规范性文件|文件/;

export function classifyColumn(name: string, configured?: Record<string, unknown> | null): ColumnRule {
  const c = configured?.[name];
  if (c === 'home' || c === 'news' || c === 'notice' || c === 'other') return c;
  if (name === '首页') return 'home';
  if (/解读/.test(name)) return 'other';
  if (NEWS.test(name)) return 'news';
  if (NOTICE.test(name)) return 'notice';
  return 'other';
}

/** 'YYYY-MM-DD' plus calendar months, clamped to the month's last day (2026-08-31 + 6 → 2027-02-28). */
export function addMonths(date: DateLike, months: number): string {
  const d = fromDayNumber(toDayNumber(date));
  const [y, m, day] = d.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm + 1).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** The last day a target updated on `anchor` still meets its period. */
export function lastCompliantDay(anchor: DateLike, p: UpdatePeriod): string {
  if (p.months) return addMonths(anchor, p.months);
  return fromDayNumber(toDayNumber(anchor) + (p.days ?? 0));
}

/** The first day the target is in breach. */
export function breachDay(anchor: DateLike, p: UpdatePeriod): string {
  return fromDayNumber(toDayNumber(lastCompliantDay(anchor, p)) + 1);
}

export function describePeriod(p: UpdatePeriod): string {
  if (p.months) return `${p.months}个月`;
  return p.days === 14 ? '2周' : `${p.days}天`;
}

/** "12月20日" */
export function monthDay(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
