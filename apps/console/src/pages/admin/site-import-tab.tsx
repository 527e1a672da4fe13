import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { OrgOptions } from '../../components/org-options';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useInterval, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { ChannelAccount, ChannelCapabilities } from '../../lib/types';
import type { SiteImportState, SiteImportView } from '../../../../../libs/imports/src/site/site-import.types';

const STATE_WORDS: Record<SiteImportState, string> = {
  queued: '排队中',
  running: '导入中',
  paused: '已暂停',
  done: '已完成',
  failed: '已失败',
};

const FIELDS = ['organisationId', 'accountId', 'sitemapUrl'];

/**
 * 导入旧网站 (issue 18.1/18.4): starts an import of an old portal (or a dry run) and follows its
 * progress. The import's id is kept in the address (?tab=site-import&import=…) so a reload, or a link
 * handed to a colleague, returns to the same import; the page polls while the import is queued or running.
 */
export function SiteImportTab() {
  const [params, setParams] = useSearchParams();
  const importId = params.get('import');
  const open = (id: string) => setParams({ tab: 'site-import', import: id }, { replace: true });
  return (
    <div data-testid="site-import">
      <h2>导入旧网站</h2>
      <p className="muted">
        填写旧网站的网站地图、订阅源或栏目列表页地址，系统按礼貌频率逐页抓取文章，读取页面的元数据和信息公开目录表，生成已发布的信息，按原发布日期计入统计。重复导入只更新，不会产生重复信息。建议先勾选“仅预览（不写入）”检查将导入哪些文章、哪些页面无法读取。
      </p>
      <StartImport onStarted={open} />
      {importId ? <ImportProgress key={importId} id={importId} /> : null}
    </div>
  );
}

function StartImport({ onStarted }: { onStarted(id: string): void }) {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('import.site');
  const accounts = useAsync(() => api.get<ChannelAccount[]>('/channel-accounts'), []);
  // An old site is imported into a channel that publishes each article as a page of its own site
  // (the capability `publicPage`), never into a channel named here.
  const channels = useAsync(() => api.get<ChannelCapabilities[]>('/channels'), []);
  const siteTypes = new Set((channels.data ?? []).filter((c) => c.publicPage).map((c) => c.type));
  const [organisationId, setOrganisationId] = useState(orgs[0]?.id ?? '');
  const [accountId, setAccountId] = useState('');
  const [sitemapUrl, setSitemapUrl] = useState('');
  const [dryRun, setDryRun] = useState(true);
  const portals = (accounts.data ?? []).filter((a) => siteTypes.has(a.channelType) && a.organisationId === organisationId);
  const account = portals.some((a) => a.id === accountId) ? accountId : (portals[0]?.id ?? '');
  const { error, busy, onSubmit } = useSubmit(async () => {
    const r = await api.post<{ id: string }>('/imports/site', { organisationId, accountId: account, sitemapUrl: sitemapUrl.trim(), dryRun });
    onStarted(r.id);
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-site-import" noValidate>
      <h3 id="h-site-import">新建导入任务</h3>
      <ErrorBanner error={error ?? accounts.error ?? channels.error} fieldsShown={FIELDS} />
      <div className="grid-3">
        <div className="field">
          <label htmlFor="si-org">导入到机构</label>
          <select id="si-org" value={organisationId} onChange={(e) => setOrganisationId(e.target.value)} aria-describedby="si-org-err">
            <OrgOptions orgs={orgs} />
          </select>
          <FieldError error={error} field="organisationId" id="si-org-err" />
        </div>
        <div className="field">
          <label htmlFor="si-account">发布到该机构的政府网站</label>
          <select id="si-account" value={account} onChange={(e) => setAccountId(e.target.value)} aria-describedby="si-account-err">
            {portals.length ? null : <option value="">（该机构没有政府网站账号）</option>}
            {portals.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <FieldError error={error} field="accountId" id="si-account-err" />
        </div>
        <div className="field">
          <label htmlFor="si-url">网站地图、订阅源或栏目列表页地址</label>
          <input id="si-url" value={sitemapUrl} onChange={(e) => setSitemapUrl(e.target.value)} placeholder="https://" aria-describedby="si-url-err" />
          <FieldError error={error} field="sitemapUrl" id="si-url-err" />
        </div>
      </div>
      <div className="field-inline">
        <input id="si-dry" type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
        <label htmlFor="si-dry">仅预览（不写入）</label>
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy || !sitemapUrl.trim() || !account} data-testid="site-import-start">
        {busy ? '正在提交…' : dryRun ? '开始预览' : '开始导入'}
      </button>
    </form>
  );
}

function ImportProgress({ id }: { id: string }) {
  const { orgName } = useAuth();
  const view = useAsync(() => api.get<SiteImportView>(`/imports/${id}`), [id]);
  const v = view.data;
  const active = !v || v.state === 'queued' || v.state === 'running';
  // polled while the worker works on it; a paused, finished or failed import stays as it is
  useInterval(() => void view.reload(), active && !view.error ? 1000 : null);
  const action = useSubmit(async (what: 'pause' | 'resume') => {
    view.setData(await api.post<SiteImportView>(`/imports/${id}/${what}`));
  });
  if (!v) return view.error ? <ErrorBanner error={view.error} /> : <Loading what="导入进度" />;
  const { done, total, failed } = v.counts;
  return (
    <section className="card" aria-labelledby="h-site-progress" data-testid="site-import-progress" data-import={v.id} data-state={v.state}>
      <h3 id="h-site-progress">{v.dryRun ? '预览任务（不写入）' : '导入任务'}</h3>
      <ErrorBanner error={action.error ?? view.error} />
      <dl className="meta-list">
        <div>
          <dt>机构</dt>
          <dd>{orgName(v.organisationId)}</dd>
        </div>
        <div>
          <dt>来源地址</dt>
          <dd className="mono small">{v.sitemapUrl}</dd>
        </div>
        <div>
          <dt>开始时间</dt>
          <dd>{fmtTime(v.createdAt)}</dd>
        </div>
      </dl>
      <p role="status" aria-live="polite">
        状态：<strong data-testid="site-import-state">{STATE_WORDS[v.state]}</strong>
        {v.finishedAt ? `（${fmtTime(v.finishedAt)} 结束）` : null}
      </p>
      <p data-testid="site-import-counts">
        已完成 {done}／总数 {total}／失败 {failed}
      </p>
      <progress max={Math.max(total, 1)} value={done + failed} aria-label="导入进度" style={{ width: '100%' }} />
      {v.error ? <p className="alert alert-error">{v.error}</p> : null}
      <p className="actions">
        {v.state === 'queued' || v.state === 'running' ? (
          <button type="button" className="btn" onClick={() => void action.run('pause')} disabled={action.busy}>
            暂停
          </button>
        ) : null}
        {v.state === 'paused' || v.state === 'failed' ? (
          <button type="button" className="btn btn-primary" onClick={() => void action.run('resume')} disabled={action.busy}>
            继续
          </button>
        ) : null}
      </p>
      {v.problems.length ? (
        <table className="table" data-testid="site-import-problems">
          <caption>无法导入的页面和文件（{v.problems.length}）</caption>
          <thead>
            <tr>
              <th scope="col">页面地址</th>
              <th scope="col">原因</th>
            </tr>
          </thead>
          <tbody>
            {v.problems.map((p, i) => (
              <tr key={i}>
                <td className="mono small">
                  <a href={p.url} target="_blank" rel="noreferrer noopener">
                    {p.url}
                  </a>
                </td>
                <td>{p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : v.state === 'done' ? (
        <p className="muted">所有页面均已读取，没有问题。</p>
      ) : null}
    </section>
  );
}
