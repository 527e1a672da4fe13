import { shanghaiDate, toDayNumber } from '@app/compliance/deadlines/calendar-date';
import { describePeriod } from '@app/compliance/inspection/inspection-rules';
import type { InspectionInput, InspectionResult, PolicyInput } from '@app/compliance/inspection/inspection.types';
import type { ScopeOrg } from './self-check-data';
import type { SelfCheckDoc, SelfCheckInterpretationRow, SelfCheckPolicyGap } from './self-check.types';

interface Context {
  orgs: ScopeOrg[];
  orgName: Map<string, string>;
  /** Items of the month per account id and per `accountId|column`. */
  counts: Map<string, number>;
  indexNo: Map<string, string>;
  idle: (last: string | null) => number | null;
}

type Parts = Pick<SelfCheckDoc, 'columns' | 'accounts' | 'interpretation' | 'backdated' | 'problems'>;

function coverageRow(id: string, name: string, list: PolicyInput[]): SelfCheckInterpretationRow {
  const interpreted = list.filter((p) => p.interpretations.some((i) => i.published));
  return {
    organisationId: id,
    organisationName: name,
    policies: list.length,
    interpreted: interpreted.length,
    linkedBothWays: interpreted.filter((p) => p.interpretations.filter((i) => i.published).every((i) => i.linkedBothWays)).length,
    coverage: list.length ? interpreted.length / list.length : null,
  };
}

/** The inspection's result laid out for the report: names instead of ids, idle days to the reference date, the month's counts. */
export function assembleInspection(input: InspectionInput, r: InspectionResult, c: Context): Parts {
  const name = (id: string) => c.orgName.get(id) ?? '';
  const columns: SelfCheckDoc['columns'] = r.columns.map((t) => ({
    organisationId: t.organisationId,
    organisationName: name(t.organisationId),
    accountId: t.accountId,
    accountName: t.accountName,
    column: t.name,
    ruleLabel: t.ruleLabel,
    period: t.period ? describePeriod(t.period) : null,
    lastPublishedDate: t.lastPublishedDate,
    idleDays: c.idle(t.lastPublishedDate),
    empty: t.status === 'blank',
    breach: t.status !== 'ok',
    monthItems: (t.rule === 'home' ? c.counts.get(t.accountId) : c.counts.get(t.key)) ?? 0,
  }));
  const accountIn = new Map(input.accounts.map((a) => [a.key, a]));
  const accounts: SelfCheckDoc['accounts'] = r.accounts.map((t) => ({
    organisationId: t.organisationId,
    organisationName: name(t.organisationId),
    accountId: t.accountId,
    accountName: t.accountName,
    channelType: accountIn.get(t.key)?.channelType ?? '',
    channelLabel: accountIn.get(t.key)?.channelLabel ?? accountIn.get(t.key)?.channelType ?? '',
    lastPublishedDate: t.lastPublishedDate,
    idleDays: c.idle(t.lastPublishedDate),
    period: t.period ? describePeriod(t.period) : '2周',
    breach: t.status !== 'ok',
    monthItems: c.counts.get(t.accountId) ?? 0,
  }));

  const policy = new Map(input.policies.map((p) => [p.itemId, p]));
  const gap = (itemId: string, problem: SelfCheckPolicyGap['problem'], interpretationTitle: string | null): SelfCheckPolicyGap => {
    const p = policy.get(itemId)!;
    return {
      policyItemId: itemId,
      title: p.title,
      indexNo: c.indexNo.get(itemId) ?? '',
      organisationName: name(p.organisationId),
      publishedDate: shanghaiDate(p.publishedAt),
      problem,
      interpretationTitle,
    };
  };
  const interpretation: SelfCheckDoc['interpretation'] = {
    rows: c.orgs.map((o) =>
      coverageRow(
        o.id,
        o.name,
        input.policies.filter((p) => p.organisationId === o.id),
      ),
    ),
    total: coverageRow('', '合计', input.policies),
    gaps: [
      ...r.interpretation.missing.map((m) => gap(m.itemId, '未解读', null)),
      ...r.interpretation.unlinked.map((u) => gap(u.policyItemId, '未双向关联', u.interpretationTitle)),
    ],
  };

  const backdated: SelfCheckDoc['backdated'] = r.backdated.map((b) => ({
    itemId: b.itemId,
    title: b.title,
    indexNo: c.indexNo.get(b.itemId) ?? '',
    organisationName: name(b.organisationId),
    publishDate: b.publishDate,
    firstPublishedDate: b.firstPublishedDate,
    daysEarlier: toDayNumber(b.firstPublishedDate) - toDayNumber(b.publishDate),
  }));

  const problems: SelfCheckDoc['problems'] = [
    ...r.columns
      .filter((t) => t.status !== 'ok')
      .map((t) => ({
        organisationName: name(t.organisationId),
        object: '政府网站',
        problem: t.message,
        basis: t.status === 'blank' ? '栏目不更新（空白栏目）' : t.rule === 'home' ? '首页不更新' : `栏目不更新（${t.ruleLabel}）`,
      })),
    ...r.accounts
      .filter((t) => t.status !== 'ok')
      .map((t) => ({ organisationName: name(t.organisationId), object: '政务新媒体', problem: t.message, basis: '内容不更新' })),
    ...interpretation.gaps.map((g) => ({
      organisationName: g.organisationName,
      object: '政府网站',
      problem:
        g.problem === '未解读'
          ? `《${g.title}》（${g.publishedDate}发布）未发布政策解读`
          : `《${g.title}》与其解读《${g.interpretationTitle}》未在网站上相互关联`,
      basis: '政策解读',
    })),
    ...r.backdated.map((b) => ({ organisationName: name(b.organisationId), object: '政府网站', problem: b.message, basis: '弄虚作假（伪造发稿日期）' })),
  ];
  return { columns, accounts, interpretation, backdated, problems };
}
