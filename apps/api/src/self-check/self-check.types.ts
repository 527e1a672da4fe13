import type { ReportDoc } from '@app/stats/report-doc.types';

// The monthly 自查 (self-inspection) report of an organisation and its subtree: what the inspectors of
// 国办秘函〔2019〕19号 check, as of the month's last day (or today while the month runs), and the month's
// publication counts (the 通报, layout C). Declarations only: the console imports these shapes.

/** pass: nothing found; fail: a finding that decides the inspection (单项否决) or loses points; warn: shown, not judged. */
export type SelfCheckVerdict = 'pass' | 'fail' | 'warn';

/** One line of the summary table: an indicator, its rule as the inspectors apply it, what the self-check found. */
export interface SelfCheckIndicator {
  id: string;
  /** 政府网站 / 政务新媒体 */
  object: string;
  indicator: string;
  rule: string;
  /** 单项否决 (the site or account fails outright) or 扣分 (loses points). */
  veto: boolean;
  finding: string;
  count: number;
  verdict: SelfCheckVerdict;
}

/** A portal column of an organisation of the subtree: its update rule and its last update up to the reference date. */
export interface SelfCheckColumn {
  organisationId: string;
  organisationName: string;
  accountId: string;
  accountName: string;
  column: string;
  /** e.g. 动态、要闻类栏目 */
  ruleLabel: string;
  /** e.g. 2周, 6个月; null: no fixed period (其他栏目). */
  period: string | null;
  lastPublishedDate: string | null;
  /** Calendar days from the last update to the reference date (null: never updated). */
  idleDays: number | null;
  /** 空白栏目: the column has never had any content. */
  empty: boolean;
  breach: boolean;
  /** Items published in the column during the month. */
  monthItems: number;
}

/** A 政务新媒体 account: days since its last publication against its two-week rule. */
export interface SelfCheckAccount {
  organisationId: string;
  organisationName: string;
  accountId: string;
  accountName: string;
  channelType: string;
  channelLabel: string;
  lastPublishedDate: string | null;
  idleDays: number | null;
  /** e.g. 2周 */
  period: string;
  breach: boolean;
  monthItems: number;
}

/** 政策解读 coverage per organisation: policies first published in the twelve months up to the reference date. */
export interface SelfCheckInterpretationRow {
  organisationId: string;
  organisationName: string;
  policies: number;
  /** With a published interpretation. */
  interpreted: number;
  /** Interpreted, and every published interpretation live on one portal with the policy (the pages link each other). */
  linkedBothWays: number;
  /** interpreted / policies, 0–1; null without policies. */
  coverage: number | null;
}

export interface SelfCheckPolicyGap {
  policyItemId: string;
  title: string;
  indexNo: string;
  organisationName: string;
  publishedDate: string;
  /** 未解读: no interpretation published; 未双向关联: published, but the two pages do not link each other. */
  problem: '未解读' | '未双向关联';
  /** For 未双向关联: the interpretation concerned. */
  interpretationTitle: string | null;
}

/** 发布日期 earlier than the first confirmed publication: backdating (伪造发稿日期, 单项否决). */
export interface SelfCheckBackdated {
  itemId: string;
  title: string;
  indexNo: string;
  organisationName: string;
  publishDate: string;
  firstPublishedDate: string;
  daysEarlier: number;
}

export interface SelfCheckDoc {
  title: string;
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  /** YYYY-MM */
  month: string;
  period: { from: string; to: string; label: string };
  /** 检查时间点: the month's last day, or today while the month runs (Beijing dates). */
  referenceDate: string;
  generatedAt: string;
  /** Where the indicators come from (document numbers), printed under the title. */
  basis: string;
  /** The inspection's verdict (libs/compliance computeInspection): fail on any 单项否决. */
  verdict: 'pass' | 'fail';
  indicators: SelfCheckIndicator[];
  columns: SelfCheckColumn[];
  accounts: SelfCheckAccount[];
  interpretation: { rows: SelfCheckInterpretationRow[]; total: SelfCheckInterpretationRow; gaps: SelfCheckPolicyGap[] };
  backdated: SelfCheckBackdated[];
  /** The month's 通报 (layout C): per organisation and report row its items, per account its items and days since its last publication. */
  publications: ReportDoc;
  /** Lines for 问题清单 (the rectification list). */
  problems: { organisationName: string; object: string; problem: string; basis: string }[];
}
