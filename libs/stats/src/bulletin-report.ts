import type { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import type { LedgerQueryService } from './ledger-query.service';
import type { Scope } from './ledger-scope';
import type { SourceChoice } from './ledger-query.types';
import { metricDims, MetricDef, metricValue, parseMetric } from './metrics';
import { beijingDateOf, beijingMidnightUtc, parseDate, Period } from './period';
import type { BulletinAccount, CellDrill, CellValue, ReportDoc, RowDoc, TableDoc } from './report-doc.types';
import type { ReportTemplate } from './report-template';
import type { StatsCatalogue } from './stats-catalogue';

type OrgRow = { id: string; parent_id: string | null; code: string; name: string; path: string };

function daysBetween(from: string, to: string): number {
  return parseDate(to)!.epochDay - parseDate(from)!.epochDay;
}

const num =
  (values: Record<string, number | null>) =>
  (id: string, v: number | null, column: string, drillable = true): CellValue => {
    values[id] = v;
    return { id, value: v, source: 'computed', valueType: 'integer', column, drillable };
  };

const info = (id: string, text: string, column: string): CellValue => ({
  id,
  value: null,
  text,
  source: 'info',
  valueType: 'integer',
  column,
  drillable: false,
});

/**
 * Layout C, the local 通报: per organisation of the subtree its own items and days since its last
 * publication; per channel account of those organisations the items published through it, days since
 * its last publication and whether that is over the template's limit for its channel type.
 */
export class BulletinReport {
  constructor(
    private readonly ds: DataSource,
    private readonly ledger: LedgerQueryService,
    private readonly catalogue: StatsCatalogue,
  ) {}

  /** Days are counted to the period's end, or to today while the period is running. */
  referenceDate(period: Period): { date: string; endUtc: Date } {
    const today = beijingDateOf(new Date());
    const date = period.to < today ? period.to : today;
    return { date, endUtc: new Date(beijingMidnightUtc(date).getTime() + 86400_000) };
  }

  private staleLimit(tpl: ReportTemplate, channelType: string): number {
    const s = tpl.bulletin!.staleDays;
    return s[channelType] ?? s.default ?? 30;
  }

  private async subtreeOrgs(org: Organisation, subtree: boolean): Promise<OrgRow[]> {
    if (!subtree) return [{ id: org.id, parent_id: org.parentId, code: org.code, name: org.name, path: org.path }];
    const rows: OrgRow[] = await this.ds.query(`SELECT id, parent_id, code, name, path FROM organisations WHERE path LIKE $1`, [org.path + '%']);
    // Depth-first, siblings by code: the order a 通报 lists units in.
    const children = new Map<string, OrgRow[]>();
    for (const r of rows) {
      const k = r.id === org.id ? '' : (r.parent_id ?? '');
      if (!children.has(k)) children.set(k, []);
      children.get(k)!.push(r);
    }
    for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
    const out: OrgRow[] = [];
    const walk = (r: OrgRow) => {
      out.push(r);
      for (const c of children.get(r.id) ?? []) walk(c);
    };
    walk(rows.find((r) => r.id === org.id)!);
    return out;
  }

  async compute(tpl: ReportTemplate, org: Organisation, subtree: boolean, period: Period, choice: SourceChoice): Promise<ReportDoc> {
    const scope: Scope = { orgId: org.id, orgPath: org.path, subtree };
    const cols = tpl.bulletin!.orgColumns.map((c) => ({ ...c, def: parseMetric(c.metric)! }));
    const dims = [...new Set(cols.flatMap((c) => metricDims(c.def)))];
    const orgs = await this.subtreeOrgs(org, subtree);
    const orgIds = orgs.map((o) => o.id);
    const ref = this.referenceDate(period);
    const accounts: { id: string; name: string; channel_type: string; organisation_id: string }[] = await this.ds.query(
      `SELECT id, name, channel_type, organisation_id FROM channel_accounts WHERE organisation_id = ANY($1::uuid[]) ORDER BY channel_type, name, id`,
      [orgIds],
    );
    const [perOrg, totals, lastOrg, acctCounts, lastAcct] = await Promise.all([
      this.ledger.countDimsPerOrg(scope, period, dims, choice),
      this.ledger.countDims(scope, period, dims, choice),
      this.ledger.lastPublicationByOrg(orgIds, ref.endUtc),
      this.ledger.countDims(
        null,
        period,
        accounts.map((a) => `a:${a.id}`),
        choice,
      ),
      this.ledger.lastPublicationByAccount(
        accounts.map((a) => a.id),
        ref.endUtc,
      ),
    ]);
    const values: Record<string, number | null> = {};
    const cell = num(values);
    const days = (last: Date | undefined) => (last ? daysBetween(beijingDateOf(last), ref.date) : null);
    const rootDepth = org.path.split('/').filter(Boolean).length;
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));

    const orgRows: RowDoc[] = orgs.map((o) => {
      const counts = perOrg.get(o.id) ?? new Map<string, number>();
      const last = lastOrg.get(o.id);
      return {
        label: o.name,
        indent: o.path.split('/').filter(Boolean).length - rootDepth,
        heading: false,
        cells: [
          ...cols.map((c) => cell(`org.${o.id}.${c.key}`, metricValue(c.def, counts), c.label)),
          info(`org.${o.id}.last`, last ? beijingDateOf(last) : '—', '最近发布日期'),
          cell(`org.${o.id}.days`, days(last), '距最近发布天数', !!last),
        ],
      };
    });
    if (subtree) {
      orgRows.push({
        label: '合计（含下级单位，同一信息计1条）',
        indent: 0,
        heading: false,
        cells: [
          ...cols.map((c) => cell(`subtree.${c.key}`, metricValue(c.def, totals.counts), c.label)),
          info('subtree.last', '', '最近发布日期'),
          info('subtree.days', '', '距最近发布天数'),
        ],
      });
    }
    const bulletinAccounts: BulletinAccount[] = accounts.map((a) => {
      const last = lastAcct.get(a.id);
      const d = days(last);
      const limit = this.staleLimit(tpl, a.channel_type);
      return {
        accountId: a.id,
        name: a.name,
        channelType: a.channel_type,
        organisationId: a.organisation_id,
        organisationName: orgName.get(a.organisation_id) ?? '',
        items: acctCounts.counts.get(`a:${a.id}`) ?? 0,
        lastPublishedAt: last ? last.toISOString() : null,
        daysSinceLast: d,
        staleLimitDays: limit,
        stale: d === null || d > limit,
      };
    });
    const acctRows: RowDoc[] = bulletinAccounts.map((a) => ({
      label: a.name,
      indent: 0,
      heading: false,
      cells: [
        info(`acct.${a.accountId}.channel`, this.catalogue.channelLabel(a.channelType), '渠道'),
        info(`acct.${a.accountId}.owner`, a.organisationName, '所属单位'),
        cell(`acct.${a.accountId}.items`, a.items, '本期发布信息数'),
        info(`acct.${a.accountId}.last`, a.lastPublishedAt ? beijingDateOf(new Date(a.lastPublishedAt)) : '—', '最近发布日期'),
        cell(`acct.${a.accountId}.days`, a.daysSinceLast, '距最近发布天数', a.daysSinceLast !== null),
        info(`acct.${a.accountId}.status`, a.daysSinceLast === null ? '从未发布' : a.stale ? `超过${a.staleLimitDays}天未更新` : '正常', '状态'),
      ],
    }));
    const tables: TableDoc[] = [
      {
        id: 'orgs',
        title: '一、各单位信息发布情况',
        sections: [
          {
            labelHeader: '单位',
            unitColumn: false,
            columns: [
              ...cols.map((c) => ({ label: c.label, groups: c.key === 'total' ? [] : ['其中'] })),
              { label: '最近发布日期', groups: [] },
              { label: '距最近发布天数', groups: [] },
            ],
            rows: orgRows,
          },
        ],
      },
      {
        id: 'accounts',
        title: '二、各账号更新情况',
        note: `统计截止日期：${ref.date}；政务新媒体和网站超过规定天数未更新的标注为超期`,
        sections: [
          {
            labelHeader: '账号',
            unitColumn: false,
            columns: ['渠道', '所属单位', '本期发布信息数', '最近发布日期', '距最近发布天数', '状态'].map((l) => ({ label: l, groups: [] })),
            rows: acctRows.length ? acctRows : [{ label: '（无账号）', indent: 0, heading: true, cells: [] }],
          },
        ],
      },
    ];
    return {
      template: { id: tpl.id, title: tpl.title, subtitle: tpl.subtitle, layout: tpl.layout },
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree,
      period: { from: period.from, to: period.to, grain: period.grain, label: period.label, year: period.year },
      source: 'live',
      countSource: totals.source,
      generatedAt: new Date().toISOString(),
      tables,
      values,
      checks: [],
      manualMissing: [],
      signoff: null,
      frozen: null,
      bulletin: { referenceDate: ref.date, accounts: bulletinAccounts, staleAccounts: bulletinAccounts.filter((a) => a.stale).length },
    };
  }

  /** The items behind one 通报 cell: an organisation's or the subtree's column, an account's items, or a last publication. */
  async drill(
    tpl: ReportTemplate,
    org: Organisation,
    scope: Scope,
    period: Period,
    cellId: string,
    opts: { limit: number; offset: number },
    base: CellDrill['report'],
  ): Promise<CellDrill> {
    const cols = new Map(tpl.bulletin!.orgColumns.map((c) => [c.key, c]));
    const m = /^(subtree|org|acct)(?:\.([0-9a-f-]{36}))?\.([a-zA-Z]+)$/.exec(cellId);
    if (!m || (m[1] === 'subtree') !== (m[2] === undefined)) throw AppError.notFound('单元格', cellId);
    const [, kind, id, key] = m;
    const ref = this.referenceDate(period);
    let label: string;
    let def: MetricDef | null = null;
    let metricId: string | null = null;
    let target: Scope | null = scope;
    let last: { kind: 'org' | 'account'; id: string } | null = null;
    if (kind === 'subtree' || kind === 'org') {
      if (kind === 'org') {
        const rows = await this.ds.query(`SELECT id, path, name FROM organisations WHERE id = $1`, [id]);
        if (!rows.length || !(scope.subtree ? rows[0].path.startsWith(org.path) : rows[0].id === org.id)) throw AppError.notFound('单元格', cellId);
        target = { orgId: rows[0].id, orgPath: rows[0].path, subtree: false };
        label = rows[0].name;
      } else {
        label = '合计';
      }
      if (key === 'days' && kind === 'org') last = { kind: 'org', id: id! };
      else if (cols.has(key)) {
        metricId = cols.get(key)!.metric;
        def = parseMetric(metricId)!;
        label = `${label} / ${cols.get(key)!.label}`;
      } else throw AppError.notFound('单元格', cellId);
    } else {
      const rows = await this.ds.query(
        `SELECT a.id, a.name FROM channel_accounts a JOIN organisations o ON o.id = a.organisation_id
         WHERE a.id = $1 AND ${scope.subtree ? `o.path LIKE $2 || '%'` : `o.id = $3`}`,
        scope.subtree ? [id, org.path] : [id, null, org.id],
      );
      if (!rows.length) throw AppError.notFound('单元格', cellId);
      label = rows[0].name;
      if (key === 'items') {
        metricId = `ledger.account.${id}`;
        def = parseMetric(metricId)!;
        target = null;
        label += ' / 本期发布信息数';
      } else if (key === 'days') last = { kind: 'account', id: id! };
      else throw AppError.notFound('单元格', cellId);
    }
    const r = last ? await this.ledger.lastPublicationItem(last.kind, last.id, ref.endUtc) : await this.ledger.drillLedger(target, period, def!, opts);
    return {
      cell: { id: cellId, label: last ? `${label} / 最近一次发布` : label, metric: metricId, value: last ? null : r.total },
      report: base,
      frozen: false,
      total: r.total,
      limit: opts.limit,
      offset: opts.offset,
      items: r.items,
    };
  }
}
