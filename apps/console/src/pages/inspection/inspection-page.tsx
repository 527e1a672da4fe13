import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, qs } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, usePageTitle, useSubmit } from '../../lib/hooks';
import type { InspectionResult, Veto } from '../../../../../libs/compliance/src/inspection/inspection.types';
import { ForecastTable } from './forecast-table';

/**
 * 检查指标: the national inspection indicators (国办秘函〔2019〕19号) computed live for an organisation — the
 * verdict with its 单项否决 items, each column and 政务新媒体 account with the date it will breach its rule
 * given what is scheduled, 政策解读 coverage and links. Editors and the office see the same page.
 */
export default function InspectionPage() {
  const h1 = usePageTitle('检查指标');
  const { orgsWith, can } = useAuth();
  const orgs = useMemo(() => [...orgsWith('inspection.read')].sort((a, b) => a.path.length - b.path.length), [orgsWith]);
  const [org, setOrg] = useState(() => new URLSearchParams(window.location.search).get('org') ?? '');
  const [subtree, setSubtree] = useState(true);
  useEffect(() => {
    if (!org && orgs.length) setOrg(orgs[0].id);
  }, [org, orgs]);
  const report = useAsync(
    () => (org ? api.get<InspectionResult>(`/compliance/inspection${qs({ org, subtree })}`) : Promise.resolve(undefined)),
    [org, subtree],
  );
  const remind = useSubmit(async () => {
    await api.post('/compliance/inspection/remind', {});
    await report.reload();
  });
  const r = report.data;
  const targets = r ? [...r.columns, ...r.accounts] : [];
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        检查指标
      </h1>
      <p className="muted">
        依据《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）：首页和动态、要闻类栏目2周内须更新，通知公告、政策文件类栏目6个月内须更新，政务新媒体2周内须更新（按自然日计算，节假日不顺延）；空白栏目、伪造发稿日期等属单项否决。
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="检查范围">
        <div className="field">
          <label htmlFor="i-org">机构</label>
          <select id="i-org" value={org} onChange={(e) => setOrg(e.target.value)}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {'　'.repeat(Math.max(0, o.path.split('/').filter(Boolean).length - 1))}
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field-inline">
          <input id="i-subtree" type="checkbox" checked={subtree} onChange={(e) => setSubtree(e.target.checked)} />
          <label htmlFor="i-subtree">含下级单位</label>
        </div>
        {can('inspection.remind') ? (
          <button type="button" className="btn" disabled={remind.busy} onClick={() => void remind.run()}>
            立即发送到期提醒
          </button>
        ) : null}
      </form>
      <ErrorBanner error={remind.error ?? report.error} />
      {report.loading && !r ? (
        <Loading what="检查指标" />
      ) : r ? (
        <>
          <div className={`card verdict verdict-${r.verdict}`} data-testid="inspection-verdict" data-verdict={r.verdict}>
            <strong>{r.verdict === 'pass' ? '截至今日未发现单项否决问题' : `发现单项否决问题 ${r.vetoes.length} 项`}</strong>
            <span className="muted">
              （监测日 {r.asOf}；栏目 {r.counts.columns} 个，超期 {r.counts.staleColumns} 个，空白 {r.counts.blankColumns} 个；政务新媒体 {r.counts.accounts}{' '}
              个，超期 {r.counts.staleAccounts} 个）
            </span>
            {r.vetoes.length ? (
              <ul data-testid="inspection-vetoes">
                {r.vetoes.map((v: Veto, i: number) => (
                  <li key={i}>{v.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
          <h2>超期预测</h2>
          <ForecastTable targets={targets} />
          <h2>政策解读</h2>
          <p data-testid="interpretation-coverage">
            近一年发布的政策文件 {r.interpretation.policies} 件，已发布解读 {r.interpretation.covered} 件（{Math.round(r.interpretation.ratio * 100)}%）。
          </p>
          {r.interpretation.missing.length ? (
            <ul aria-label="尚无政策解读的文件">
              {r.interpretation.missing.map((m) => (
                <li key={m.itemId}>
                  <Link to={`/items/${m.itemId}`}>《{m.title}》</Link> 尚未发布政策解读
                </li>
              ))}
            </ul>
          ) : null}
          {r.interpretation.unlinked.length ? (
            <ul aria-label="未双向关联的解读">
              {r.interpretation.unlinked.map((u) => (
                <li key={`${u.policyItemId}-${u.interpretationItemId}`}>
                  《{u.policyTitle}》与《{u.interpretationTitle}》未在同一网站上相互关联
                </li>
              ))}
            </ul>
          ) : null}
          {r.backdated.length ? (
            <>
              <h2>发布日期</h2>
              <ul>
                {r.backdated.map((b) => (
                  <li key={b.itemId}>{b.message}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
