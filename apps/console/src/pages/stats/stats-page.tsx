import { FormEvent, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, ApiError, download, qs } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, usePageTitle, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { DrillPanel } from './drill-panel';
import { MonthlyChart, MonthlySeries } from './monthly-chart';
import { ReportTable } from './report-table';
import { ChannelCounts, FrozenView, ReportDoc, Scope, scopeQuery, Signoff, TemplateInfo } from './stats-types';

const beijingYear = () => Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

/** Statistics office: organisation, subtree, period, template; the official table; charts; manual entries; freeze; export. */
export default function StatsPage() {
  const h1 = usePageTitle('统计');
  const { orgsWith } = useAuth();
  const orgs = useMemo(() => {
    const seen = new Map([...orgsWith('statistician'), ...orgsWith('admin')].map((o) => [o.id, o]));
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

  const report = useAsync(() => (org ? api.get<ReportDoc>(`/stats/reports/${template}${qs(scopeQuery(scope))}`) : Promise.resolve(undefined)), [key]);
  const counts = useAsync(() => (org ? api.get<ChannelCounts>(`/stats/channel-counts${qs(scopeQuery(scope))}`) : Promise.resolve(undefined)), [key]);
  const [drill, setDrill] = useState<{ cell: string; label: string; value: number | null } | null>(null);
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
  const doc = report.data;

  const saveManual = () =>
    void run(async () => {
      const entries: Record<string, number | string | null> = {};
      for (const [k, v] of Object.entries(drafts)) entries[k] = v.trim() === '' ? null : v.trim();
      const saved = await api.put<ReportDoc>(`/stats/reports/${template}/manual`, { org, year, subtree, entries });
      report.setData(saved);
      setDrafts({});
      setEditing(false);
      setNotice(`已保存 ${Object.keys(entries).length} 项手工填报数据`);
    });

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
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="统计范围">
        <div className="field">
          <label htmlFor="s-org">机构</label>
          <select id="s-org" value={org} onChange={(e) => setOrg(e.target.value)}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {'　'.repeat(Math.max(0, o.path.split('/').filter(Boolean).length - 1))}
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field-inline">
          <input id="s-subtree" type="checkbox" checked={subtree} onChange={(e) => setSubtree(e.target.checked)} />
          <label htmlFor="s-subtree">含下级单位</label>
        </div>
        <div className="field">
          <label htmlFor="s-tpl">报表</label>
          <select id="s-tpl" value={template} onChange={(e) => setTemplate(e.target.value)}>
            {(templates.data ?? [{ id: 'gov-2014', title: '政府信息公开情况统计表' } as TemplateInfo]).map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
                {t.subtitle ? `（${t.subtitle}）` : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-year">年度</label>
          <select id="s-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </div>
        {tpl && !tpl.annual ? (
          <div className="field">
            <label htmlFor="s-part">期间</label>
            <select id="s-part" value={part} onChange={(e) => setPart(e.target.value)}>
              <option value="">全年</option>
              {[1, 2, 3, 4].map((q) => (
                <option key={q} value={`q${q}`}>
                  第{q}季度
                </option>
              ))}
              {Array.from({ length: 12 }, (_, i) => (
                <option key={i} value={`m${i + 1}`}>
                  {i + 1}月
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </form>
      <ErrorBanner error={templates.error} />

      <CountsSummary counts={counts.data} error={counts.error} loading={counts.loading} />

      <section className="card" aria-labelledby="h-report">
        <div className="page-head">
          <h2 id="h-report">
            {doc?.template.title ?? '报表'} <small className="muted">{doc ? `${doc.organisation.name} · ${doc.period.label}${doc.subtree ? '（含下级单位）' : ''}` : ''}</small>
          </h2>
          <div className="actions">
            <button type="button" className="btn" onClick={() => exportAs('xlsx')} disabled={!doc} data-testid="export-xlsx">
              导出 XLSX
            </button>
            <button type="button" className="btn" onClick={() => exportAs('csv')} disabled={!doc} data-testid="export-csv">
              导出 CSV
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
                <button type="button" className="btn" onClick={() => setEditing(true)}>
                  填报手工数据
                </button>
              )
            ) : null}
          </div>
        </div>
        <ErrorBanner error={error ?? report.error} />
        {notice ? (
          <p className="alert alert-ok" role="status">
            {notice}
          </p>
        ) : null}
        {doc?.frozen ? (
          <p className="alert alert-info">
            本报表已于 {fmtTime(doc.frozen.frozenAt)} 封存，数字不再变化。填报人：{doc.signoff?.preparer}；审核人：{doc.signoff?.reviewer}；单位负责人：{doc.signoff?.unitHead}。
          </p>
        ) : null}
        {report.loading && !doc ? <Loading what="报表" /> : null}
        {doc ? (
          <>
            <p className="muted">
              计算得出的数字可点击查看对应信息；手工填报项{doc.manualMissing.length ? `尚有 ${doc.manualMissing.length} 项未填` : '已全部填报'}。生成于 {fmtTime(doc.generatedAt)}。
            </p>
            <ReportTable doc={doc} editing={editing} drafts={drafts} onDraft={(c, v) => setDrafts({ ...drafts, [c]: v })} onDrill={(c, r) => setDrill({ cell: c.id, label: r.label, value: c.value })} />
            {drill ? <DrillPanel template={template} cell={drill.cell} label={drill.label} value={drill.value} scope={scope} onClose={() => setDrill(null)} /> : null}
            <Checks checks={doc.checks} />
            {doc.bulletin ? <Bulletin b={doc.bulletin} /> : null}
          </>
        ) : null}
      </section>

      {org ? <MonthlyPanel org={org} subtree={subtree} year={year} /> : null}

      {doc && tpl?.annual ? doc.frozen ? <FrozenChanges template={template} org={org} year={year} /> : <FreezeForm template={template} org={org} year={year} subtree={subtree} onFrozen={() => void report.reload()} /> : null}
    </section>
  );
}

function CountsSummary({ counts, error, loading }: { counts?: ChannelCounts; error: unknown; loading: boolean }) {
  return (
    <section className="card" aria-labelledby="h-counts">
      <h2 id="h-counts">分渠道发布数（不同渠道公开同一信息计 1 条）</h2>
      <ErrorBanner error={error} />
      {loading && !counts ? <Loading what="统计" /> : null}
      {counts ? (
        <div className="grid-2">
          <div>
            <p className="big-number" data-testid="stats-total">
              {counts.total} <small>条</small>
            </p>
            <table className="table compact" data-testid="counts-by-channel">
              <caption className="sr-only">按渠道</caption>
              <thead>
                <tr>
                  <th scope="col">渠道</th>
                  <th scope="col">信息数</th>
                </tr>
              </thead>
              <tbody>
                {counts.byChannelType.map((c) => (
                  <tr key={c.channelType} data-channel={c.channelType}>
                    <th scope="row">{c.label}</th>
                    <td className="num">{c.items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <table className="table compact">
              <caption>按账号</caption>
              <thead>
                <tr>
                  <th scope="col">账号</th>
                  <th scope="col">信息数</th>
                </tr>
              </thead>
              <tbody>
                {counts.byAccount.map((a) => (
                  <tr key={a.accountId}>
                    <th scope="row">{a.name ?? a.accountId}</th>
                    <td className="num">{a.items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Checks checks={counts.checks.map((c) => ({ ...c, severity: 'error' as const }))} />
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Checks({ checks }: { checks: { id: string; label: string; ok: boolean; detail: string; severity: 'error' | 'warn' }[] }) {
  if (!checks.length) return null;
  return (
    <div className="checks">
      <h3>一致性校验</h3>
      <ul>
        {checks.map((c) => (
          <li key={c.id} className={c.ok ? 'ok' : c.severity === 'error' ? 'bad' : 'warn'}>
            {c.ok ? '✓' : '✗'} {c.label}：{c.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Bulletin({ b }: { b: NonNullable<ReportDoc['bulletin']> }) {
  return (
    <div>
      <h3>账号更新情况（截至 {b.referenceDate}，{b.staleAccounts} 个账号超期未更新）</h3>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">账号</th>
            <th scope="col">机构</th>
            <th scope="col">本期发布</th>
            <th scope="col">最近发布</th>
            <th scope="col">距今天数</th>
          </tr>
        </thead>
        <tbody>
          {b.accounts.map((a) => (
            <tr key={a.accountId} className={a.stale ? 'row-bad' : ''}>
              <th scope="row">{a.name}</th>
              <td>{a.organisationName}</td>
              <td className="num">{a.items}</td>
              <td>{a.lastPublishedAt ? fmtTime(a.lastPublishedAt) : '从未'}</td>
              <td className="num">
                {a.daysSinceLast ?? '—'}
                {a.stale ? `（超过${a.staleLimitDays}天）` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MonthlyPanel({ org, subtree, year }: { org: string; subtree: boolean; year: number }) {
  const months = useAsync(
    () => Promise.all(Array.from({ length: 12 }, (_, i) => api.get<ChannelCounts>(`/stats/channel-counts${qs({ org, subtree: String(subtree), year, month: i + 1 })}`))),
    [org, subtree, year],
  );
  const series = useMemo<MonthlySeries[]>(() => {
    if (!months.data) return [];
    const labels = new Map<string, string>();
    months.data.forEach((m) => m.byChannelType.forEach((c) => labels.set(c.channelType, c.label)));
    const out = [...labels].map(([type, label]) => ({ label, data: months.data!.map((m) => m.byChannelType.find((c) => c.channelType === type)?.items ?? 0) }));
    out.unshift({ label: '合计（去重）', data: months.data.map((m) => m.total) });
    return out;
  }, [months.data]);
  return (
    <section className="card" aria-labelledby="h-monthly">
      <h2 id="h-monthly">{year}年各月分渠道发布数</h2>
      <ErrorBanner error={months.error} />
      {months.loading && !months.data ? <Loading what="月度数据" /> : null}
      {months.data ? (
        <>
          <MonthlyChart series={series} title={`${year}年各月分渠道发布数`} />
          <details>
            <summary>图表数据</summary>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">渠道</th>
                  {Array.from({ length: 12 }, (_, i) => (
                    <th key={i} scope="col">
                      {i + 1}月
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {series.map((s) => (
                  <tr key={s.label}>
                    <th scope="row">{s.label}</th>
                    {s.data.map((v, i) => (
                      <td key={i} className="num">
                        {v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : null}
    </section>
  );
}

function FreezeForm({ template, org, year, subtree, onFrozen }: { template: string; org: string; year: number; subtree: boolean; onFrozen(): void }) {
  const { user } = useAuth();
  const [s, setS] = useState<Signoff>({ unitHead: '', reviewer: '', preparer: user?.displayName ?? '', phone: '', filledDate: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10) });
  const freeze = useSubmit(async () => {
    await api.post(`/stats/reports/${template}/freeze`, { org, year, subtree, signoff: s });
    onFrozen();
  });
  const { error, busy } = freeze;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (window.confirm(`封存后 ${year} 年度报表的数字将不再变化，确定封存吗？`)) void freeze.run();
  };
  const reasons = (k: keyof Signoff) => (error instanceof ApiError ? [...error.forField(`signoff.${k}`), ...error.forField(k)] : []);
  const f = (k: keyof Signoff, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`so-${k}`}>{label}</label>
      <input id={`so-${k}`} type={type} value={s[k]} onChange={(e) => setS({ ...s, [k]: e.target.value })} required aria-describedby={`so-${k}-err`} />
      {reasons(k).length ? (
        <p className="field-error" id={`so-${k}-err`}>
          {reasons(k).join('；')}
        </p>
      ) : null}
    </div>
  );
  return (
    <section className="card" aria-labelledby="h-freeze">
      <h2 id="h-freeze">封存年度报表</h2>
      <p className="muted">封存即签署：封存后数字不再随台账变化，并可查看封存后台账的变化。</p>
      <ErrorBanner error={error} fieldsShown={['signoff']} />
      <form onSubmit={submit} className="grid-3">
        {f('unitHead', '单位负责人')}
        {f('reviewer', '审核人')}
        {f('preparer', '填报人')}
        {f('phone', '联系电话', 'tel')}
        {f('filledDate', '填报日期', 'date')}
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            封存
          </button>
        </div>
      </form>
    </section>
  );
}

function FrozenChanges({ template, org, year }: { template: string; org: string; year: number }) {
  const v = useAsync(
    () => api.get<FrozenView>(`/stats/reports/${template}/frozen${qs({ org, year })}`),
    [template, org, year],
  );
  const c = v.data?.changesSinceFreeze;
  return (
    <section className="card" aria-labelledby="h-frozen">
      <h2 id="h-frozen">封存后台账的变化</h2>
      <ErrorBanner error={v.error} />
      {c ? (
        c.changedCells === 0 && !c.addedItems.length ? (
          <p>封存后台账没有变化。</p>
        ) : (
          <>
            <p>有 {c.changedCells} 个数字与当前台账不同：</p>
            <ul>
              {c.cells
                .filter((x) => x.changed)
                .map((x) => (
                  <li key={x.cellId}>
                    {x.label}：封存时 {x.frozen ?? '—'}，当前 {x.current ?? '—'}
                  </li>
                ))}
            </ul>
            <h3>封存后新增的发布</h3>
            <ul>
              {c.addedItems.map((i) => (
                <li key={i.itemId}>
                  <Link to={`/items/${i.itemId}`}>{i.title}</Link>（{i.indexNo}，{i.records} 条发布记录）
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </section>
  );
}
