import { useEffect, useMemo, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, download, qs } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, usePageTitle, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { BulletinAccounts } from './bulletin-accounts';
import { Checks } from './checks-list';
import { CountsSummary } from './counts-summary';
import { DrillPanel } from './drill-panel';
import { FreezeForm } from './freeze-form';
import { FrozenChanges } from './frozen-changes';
import { FreezeHistory } from './freeze-history';
import { ReopenForm } from './reopen-form';
import { MonthlyPanel } from './monthly-panel';
import { ReportTable } from './report-table';
import { StatsFilters } from './stats-filters';
import { PrintReport } from './print-report';
import { SelfCheckExport } from './self-check-export';
import { ChannelCounts, ManualCopy, ReopenResult, ReportDoc, Scope, scopeQuery, TemplateInfo, templateName } from './stats-types';
import { reportFieldLabel } from '../../lib/report-cell-label';

const beijingYear = () => Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

/** Statistics office: organisation, subtree, period, template; the official table; charts; manual entries; freeze; export. */
export default function StatsPage() {
  const h1 = usePageTitle('统计');
  const { orgsWith } = useAuth();
  const orgs = useMemo(() => {
    const seen = new Map(orgsWith('stats.read').map((o) => [o.id, o]));
    return [...seen.values()].sort((a, b) => a.path.length - b.path.length);
  }, [orgsWith]);
  const templates = useAsync(() => api.get<TemplateInfo[]>('/stats/templates'), []);
  const [org, setOrg] = useState('');
  const [subtree, setSubtree] = useState(true);
  const [template, setTemplate] = useState('gov-2014');
  const [year, setYear] = useState(beijingYear());
  const [part, setPart] = useState(''); // '', 'q1'..'q4', 'm1'..'m12'
  useEffect(() => {
    if (!org && orgs.length) setOrg(orgs[0].id);
  }, [org, orgs]);
  const tpl = templates.data?.find((t) => t.id === template);
  const period = useMemo(() => {
    const p: Record<string, string> = { year: String(year) };
    if (!tpl?.annual && part) p[part.startsWith('q') ? 'quarter' : 'month'] = part.slice(1);
    return p;
  }, [tpl, part, year]);
  const scope: Scope = { org, subtree, period };
  const key = JSON.stringify([template, scope]);

  // Each answer is tagged with the selection it was asked for: while another template or scope loads, the
  // previous one's table (and cells to drill into) is not shown under the new selection.
  const report = useAsync(async () => ({ key, doc: org ? await api.get<ReportDoc>(`/stats/reports/${template}${qs(scopeQuery(scope))}`) : undefined }), [key]);
  const counts = useAsync(() => (org ? api.get<ChannelCounts>(`/stats/channel-counts${qs(scopeQuery(scope))}`) : Promise.resolve(undefined)), [key]);
  // A drill-down belongs to the selection it was opened in: after a switch it is not asked for again
  // (child effects run before the reset below, so the panel must not even render with the new template).
  const [drill, setDrill] = useState<{ key: string; cell: string; label: string; value: number | null } | null>(null);
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  // Saving the manual entries and exporting share one banner: each hands its step to run().
  const { run, error, setError } = useSubmit((step: () => Promise<void>) => step());
  const [notice, setNotice] = useState('');
  useEffect(() => {
    setDrill(null);
    setEditing(false);
    setDrafts({});
    setNotice('');
    setError(undefined);
  }, [key, setError]);

  const years = Array.from({ length: 10 }, (_, i) => beijingYear() - i);
  const doc = report.data?.key === key ? report.data.doc : undefined;
  const showDoc = (d: ReportDoc) => report.setData({ key, doc: d });

  const saveManual = () =>
    void run(async () => {
      const entries: Record<string, number | string | null> = {};
      for (const [k, v] of Object.entries(drafts)) entries[k] = v.trim() === '' ? null : v.trim();
      const saved = await api.put<ReportDoc>(`/stats/reports/${template}/manual`, { org, year, subtree, entries });
      showDoc(saved);
      setDrafts({});
      setEditing(false);
      setNotice(`已保存 ${Object.keys(entries).length} 项手工填报数据`);
    });

  const copyLastYear = () =>
    void run(async () => {
      const r = await api.post<ManualCopy>(`/stats/reports/${template}/manual/copy-previous-year`, { org, year, subtree });
      showDoc(r.report);
      if (!r.copied.length && !r.kept.length) setNotice(`${r.fromYear}年没有可复制的手工填报数`);
      else setNotice(`已从${r.fromYear}年复制 ${r.copied.length} 项手工填报数${r.kept.length ? `，${r.kept.length} 项本年已填报，未覆盖` : ''}`);
    });

  const reopened = (r: ReopenResult) => {
    showDoc(r.report);
    setNotice(
      r.otherVariantFrozen
        ? `已重新打开，原封存已转为历史记录。注意：${subtree ? '本单位' : '含下级单位'}的报表仍处于封存状态，手工填报数暂不能修改`
        : '已重新打开，原封存已转为历史记录；可修改手工填报数后重新封存，再生成新的报送包',
    );
  };

  const exportAs = (format: 'xlsx' | 'csv') =>
    void run(async () => {
      const name = await download(`/stats/reports/${template}${qs({ ...scopeQuery(scope), format })}`, `${template}.${format}`);
      setNotice(`已下载 ${name}`);
    });

  return (
    <section className="page stats-page">
      <h1 ref={h1} tabIndex={-1}>
        统计
      </h1>
      <StatsFilters
        orgs={orgs}
        templates={templates.data}
        years={years}
        value={{ org, subtree, template, year, part }}
        set={{ org: setOrg, subtree: setSubtree, template: setTemplate, year: setYear, part: setPart }}
      />
      <ErrorBanner error={templates.error} />

      <CountsSummary counts={counts.data} error={counts.error} loading={counts.loading} />

      <section className="card" aria-labelledby="h-report">
        <div className="page-head">
          <h2 id="h-report">
            {doc ? templateName(doc.template) : '报表'}{' '}
            <small className="muted">{doc ? `${doc.organisation.name} · ${doc.period.label}${doc.subtree ? '（含下级单位）' : ''}` : ''}</small>
          </h2>
          <div className="actions">
            <button type="button" className="btn" onClick={() => exportAs('xlsx')} disabled={!doc} data-testid="export-xlsx">
              导出 XLSX
            </button>
            <button type="button" className="btn" onClick={() => exportAs('csv')} disabled={!doc} data-testid="export-csv">
              导出 CSV
            </button>
            <button type="button" className="btn" onClick={() => window.print()} disabled={!doc} title="按官方表样打印（A4）">
              打印
            </button>
            {tpl?.annual && doc && !doc.frozen ? (
              editing ? (
                <>
                  <button type="button" className="btn btn-primary" onClick={saveManual} disabled={!Object.keys(drafts).length}>
                    保存填报
                  </button>
                  <button type="button" className="btn" onClick={() => (setEditing(false), setDrafts({}))}>
                    取消
                  </button>
                </>
              ) : (
                <>
                  <button type="button" className="btn" onClick={() => setEditing(true)}>
                    填报手工数据
                  </button>
                  <button type="button" className="btn" onClick={copyLastYear} title="把上一年度的手工填报数复制到本年度尚未填报的单元格，已填报的不覆盖">
                    复制上年手工填报数
                  </button>
                </>
              )
            ) : null}
          </div>
        </div>
        <ErrorBanner error={error ?? report.error} labelOf={(f) => reportFieldLabel(doc, f)} />
        {notice ? (
          <p className="alert alert-ok" role="status">
            {notice}
          </p>
        ) : null}
        {doc?.frozen ? (
          <p className="alert alert-info">
            本报表已于 {fmtTime(doc.frozen.frozenAt)} 封存，数字不再变化。填报人：{doc.signoff?.preparer}；审核人：{doc.signoff?.reviewer}；单位负责人：
            {doc.signoff?.unitHead}。
          </p>
        ) : null}
        {report.loading && !doc ? <Loading what="报表" /> : null}
        {doc ? (
          <>
            <p className="muted">
              计算得出的数字可点击查看对应信息；手工填报项{doc.manualMissing.length ? `尚有 ${doc.manualMissing.length} 项未填` : '已全部填报'}。生成于{' '}
              {fmtTime(doc.generatedAt)}。
            </p>
            <PrintReport doc={doc}>
              <ReportTable
                doc={doc}
                editing={editing}
                drafts={drafts}
                onDraft={(c, v) => setDrafts({ ...drafts, [c]: v })}
                onDrill={(c, r) => setDrill({ key, cell: c.id, label: r.label, value: c.value })}
                labelledBy="h-report"
              />
            </PrintReport>
            {drill?.key === key ? (
              <DrillPanel template={template} cell={drill.cell} label={drill.label} value={drill.value} scope={scope} onClose={() => setDrill(null)} />
            ) : null}
            <Checks title="报表一致性校验" checks={doc.checks} />
            {doc.bulletin ? <BulletinAccounts b={doc.bulletin} /> : null}
          </>
        ) : null}
      </section>

      {org ? <MonthlyPanel org={org} subtree={subtree} year={year} /> : null}
      {org ? <SelfCheckExport org={org} subtree={subtree} /> : null}

      {doc && tpl?.annual ? (
        doc.frozen ? (
          <>
            <FrozenChanges template={template} org={org} year={year} subtree={subtree} />
            <ReopenForm template={template} org={org} year={year} subtree={subtree} onReopened={reopened} />
          </>
        ) : (
          <FreezeForm template={template} org={org} year={year} subtree={subtree} onFrozen={() => void report.reload()} />
        )
      ) : null}
      {doc && tpl?.annual ? <FreezeHistory template={template} org={org} year={year} subtree={subtree} current={doc.frozen?.id ?? 'live'} /> : null}
    </section>
  );
}
