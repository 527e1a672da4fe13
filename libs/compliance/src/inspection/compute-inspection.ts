import { shanghaiDate } from '../deadlines/calendar-date';
import { forecast, weekdaysOnly } from './inspection-forecast';
import { classifyColumn, COLUMN_RULES, describePeriod, monthDay, NEW_MEDIA_PERIOD, VETO_THRESHOLDS, type UpdatePeriod } from './inspection-rules';
import {
  DEFAULT_REMINDER_STEPS,
  type AccountInput,
  type ColumnInput,
  type InspectionInput,
  type InspectionResult,
  type InterpretationCoverage,
  type ReminderStep,
  type TargetResult,
  type Veto,
} from './inspection.types';

/**
 * The national inspection indicators (国办秘函〔2019〕19号, see inspection-rules.ts) computed from what the
 * product knows, for one monitoring day: each portal column and 政务新媒体 account with its rule, status
 * and forecast breach date, the 单项否决 vetoes, 政策解读 coverage and links, and backdated 发布日期.
 * Pure: rows in (collect-inspection.ts reads them from the ledger), result out; `today` is passed in.
 */
export function computeInspection(input: InspectionInput): InspectionResult {
  const steps = input.reminderSteps?.length ? input.reminderSteps : DEFAULT_REMINDER_STEPS;
  const isWorking = input.calendar ? (d: string) => input.calendar!.isWorkingDay(d) : weekdaysOnly;
  const th = { ...VETO_THRESHOLDS, ...input.thresholds };
  const columns = input.columns.map((c) => columnResult(c, input.today, steps, isWorking));
  const accounts = input.accounts.map((a) => accountResult(a, input.today, steps, isWorking));
  const vetoes: Veto[] = [];

  const sites = new Map<string, TargetResult[]>();
  for (const c of columns) sites.set(c.accountId, [...(sites.get(c.accountId) ?? []), c]);
  for (const [accountId, cols] of sites) {
    const site = cols[0].accountName;
    const org = cols[0].organisationId;
    const home = cols.find((c) => c.rule === 'home' && c.status !== 'ok');
    if (home)
      vetoes.push({ code: 'home-stale', organisationId: org, accountId, keys: [home.key], message: `网站“${site}”首页监测2周无信息更新（单项否决）。` });
    const ruled = cols.filter((c) => (c.rule === 'news' || c.rule === 'notice') && c.status !== 'ok');
    if (ruled.length >= th.staleRuledColumns)
      vetoes.push({
        code: 'ruled-columns-stale',
        organisationId: org,
        accountId,
        keys: ruled.map((c) => c.key),
        message: `网站“${site}”动态要闻类（2周）和通知公告、政策文件类（6个月）栏目累计${ruled.length}个未按期更新，达到${th.staleRuledColumns}个（单项否决）。`,
      });
    const stale = cols.filter((c) => c.rule !== 'home' && c.status !== 'ok' && (c.period || c.status === 'blank'));
    if (stale.length >= th.staleColumns)
      vetoes.push({
        code: 'columns-stale',
        organisationId: org,
        accountId,
        keys: stale.map((c) => c.key),
        message: `网站“${site}”应更新但长期未更新的栏目${stale.length}个，达到${th.staleColumns}个（单项否决）。`,
      });
    const blank = cols.filter((c) => c.status === 'blank');
    if (blank.length >= th.blankColumns)
      vetoes.push({
        code: 'blank-columns',
        organisationId: org,
        accountId,
        keys: blank.map((c) => c.key),
        message: `网站“${site}”空白栏目${blank.length}个，达到${th.blankColumns}个（单项否决）。`,
      });
  }
  for (const a of accounts)
    if (a.status !== 'ok')
      vetoes.push({ code: 'new-media-stale', organisationId: a.organisationId, accountId: a.accountId, keys: [a.key], message: `${a.message}（单项否决）` });

  const backdated = input.backdated.map((b) => {
    const firstPublishedDate = shanghaiDate(b.firstPublishedAt);
    const message = `《${b.title}》的发布日期${b.publishDate}早于首次确认发布日期${firstPublishedDate}，属伪造发稿日期（单项否决）。`;
    vetoes.push({ code: 'backdated', organisationId: b.organisationId, keys: [b.itemId], message });
    return { ...b, firstPublishedDate, message };
  });

  const interpretation = coverage(input);
  return {
    asOf: input.today,
    verdict: vetoes.length ? 'fail' : 'pass',
    vetoes,
    columns,
    accounts,
    interpretation,
    backdated,
    counts: {
      columns: columns.length,
      staleColumns: columns.filter((c) => c.status === 'stale').length,
      blankColumns: columns.filter((c) => c.status === 'blank').length,
      accounts: accounts.length,
      staleAccounts: accounts.filter((a) => a.status !== 'ok').length,
      backdated: backdated.length,
      vetoes: vetoes.length,
    },
  };
}

function columnLabel(name: string): string {
  if (name === '首页') return '首页';
  return name.endsWith('栏目') ? name : `${name}栏目`;
}

function columnResult(c: ColumnInput, today: string, steps: readonly ReminderStep[], isWorking: (d: string) => boolean): TargetResult {
  const rule = c.rule ?? classifyColumn(c.column);
  const period: UpdatePeriod | null = COLUMN_RULES[rule].period ?? (c.periodDays ? { days: c.periodDays } : null);
  const label = `网站“${c.accountName}”${columnLabel(c.column)}`;
  const base = {
    kind: 'column' as const,
    key: c.key,
    organisationId: c.organisationId,
    accountId: c.accountId,
    accountName: c.accountName,
    name: c.column,
    rule,
    ruleLabel: COLUMN_RULES[rule].label,
    period,
  };
  if (!c.lastPublished && rule !== 'home') {
    return {
      ...base,
      ...emptyForecast(),
      status: 'blank',
      message: `${label}开设以来未发布任何信息（空白栏目）。`,
    };
  }
  if (!period) {
    return {
      ...base,
      ...emptyForecast(),
      lastPublishedDate: c.lastPublished ? shanghaiDate(c.lastPublished) : null,
      status: 'ok',
      message: `${label}无固定更新周期要求，最近更新于${shanghaiDate(c.lastPublished!)}。`,
    };
  }
  return target(base, label, columnLabel(c.column), period, c, today, steps, isWorking);
}

function accountResult(a: AccountInput, today: string, steps: readonly ReminderStep[], isWorking: (d: string) => boolean): TargetResult {
  // The indicator's two weeks is the longest an account may idle: a setting may shorten it, never lengthen it.
  const period = a.maxIdleDays && a.maxIdleDays < (NEW_MEDIA_PERIOD.days ?? 14) ? { days: a.maxIdleDays } : NEW_MEDIA_PERIOD;
  const label = `政务新媒体账号“${a.accountName}”`;
  const base = {
    kind: 'account' as const,
    key: a.key,
    organisationId: a.organisationId,
    accountId: a.accountId,
    accountName: a.accountName,
    name: a.accountName,
    rule: 'new-media' as const,
    ruleLabel: `${a.channelLabel ?? a.channelType}（政务新媒体）`,
    period,
  };
  return target(base, label, label, period, a, today, steps, isWorking);
}

function emptyForecast() {
  return {
    lastPublishedDate: null,
    anchorDate: null,
    breachDate: null,
    breachDateUnscheduled: null,
    daysLeft: null,
    workingDaysLeft: null,
    scheduledCount: 0,
    forecast: null,
    reminder: null,
    steps: [],
  };
}

function target(
  base: Omit<TargetResult, 'status' | 'message' | 'forecast' | keyof ReturnType<typeof emptyForecast>>,
  label: string,
  short: string,
  period: UpdatePeriod,
  t: { lastPublished: string | Date | null; scheduled: (string | Date)[]; since: string | Date | null },
  today: string,
  steps: readonly ReminderStep[],
  isWorking: (d: string) => boolean,
): TargetResult {
  const f = forecast(period, t.lastPublished, t.scheduled, t.since, today, steps, isWorking);
  const p = describePeriod(period);
  if (!f.breachDate) {
    return { ...base, ...emptyForecast(), status: 'stale', message: `${label}尚未发布任何信息，超过${p}更新要求。` };
  }
  const status = f.inBreach ? 'stale' : 'ok';
  const since = f.lastPublishedDate ? `自${f.lastPublishedDate}以来` : `自${shanghaiDate(t.since!)}开设以来`;
  const message = f.inBreach
    ? `${label}${since}未更新，已于${f.breachDate}超期（须${p}内更新）。`
    : `${label}最近更新于${f.lastPublishedDate ?? '—'}${f.scheduledCount ? `，已安排${f.scheduledCount}条定时发布` : ''}，须在${shanghaiDate(
        fromBreach(f.breachDate),
      )}前（含当天）再次更新。`;
  const forecastText = `${short}${f.inBreach ? '已于' : '将于'} ${monthDay(f.breachDate)} 超期`;
  return {
    ...base,
    status,
    lastPublishedDate: f.lastPublishedDate,
    anchorDate: f.anchorDate,
    breachDate: f.breachDate,
    breachDateUnscheduled: f.breachDateUnscheduled,
    daysLeft: f.daysLeft,
    workingDaysLeft: f.workingDaysLeft,
    scheduledCount: f.scheduledCount,
    message,
    forecast: forecastText,
    reminder: f.reminder,
    steps: f.steps,
  };
}

/** The last compliant day (the day before the breach). */
function fromBreach(breach: string): string {
  const d = new Date(`${breach}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function coverage(input: InspectionInput): InterpretationCoverage {
  const policies = input.policies;
  const covered = policies.filter((p) => p.interpretations.some((i) => i.published));
  const unlinked = policies.flatMap((p) =>
    p.interpretations
      .filter((i) => i.published && !i.linkedBothWays)
      .map((i) => ({ policyItemId: p.itemId, policyTitle: p.title, interpretationItemId: i.itemId, interpretationTitle: i.title })),
  );
  return {
    policies: policies.length,
    covered: covered.length,
    ratio: policies.length ? covered.length / policies.length : 1,
    missing: policies
      .filter((p) => !p.interpretations.some((i) => i.published))
      .map((p) => ({ itemId: p.itemId, organisationId: p.organisationId, title: p.title })),
    unlinked,
  };
}
