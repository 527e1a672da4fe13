import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, download, qs } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, usePageTitle, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { BundleStatusView, SenderStatusRow, SendersView } from '../../../../../libs/stats/src/bundles/bundle.types';
import type { TemplateInfo } from './stats-types';

const beijingYear = () => Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

/** Field paths of the bundle routes in words (cell and check ids stay as the table prints them). */
function bundleFieldLabel(field: string): string | undefined {
  const cell = /^bundle\.payload\.(drill|figures|manual|checks)\.([^.]+)/.exec(field);
  if (cell)
    return { drill: '明细清单', figures: '统计数', manual: '手工填报', checks: '表内校验' }[cell[1]] + (cell[1] === 'checks' ? '' : `（单元格 ${cell[2]}）`);
  const fixed: Record<string, string> = {
    bundle: '报送包',
    'bundle.signature': '签名',
    'bundle.signature.keyId': '签名公钥',
    'bundle.payload.period': '报送期间',
    'bundle.payload.template': '报表',
    'bundle.payload.signer': '签名单位',
    org: '机构',
    year: '年度',
    comment: '退回意见',
    name: '报送单位名称',
    publicKey: '公钥',
  };
  return fixed[field] ?? (field.startsWith('bundle') ? '报送包内容' : undefined);
}

const STATUS_CLASS: Record<string, string> = {
  missing: 'badge',
  submitted: 'badge state-pending',
  returned: 'badge state-failed',
  accepted: 'badge state-published',
};

/** 上报汇总: the senders' reports for a year (未报 / 已报 / 退回 / 已采纳), import, 退回, 采纳, the aggregate, and this level's own bundle. */
export default function BundlesPage() {
  const h1 = usePageTitle('上报汇总');
  const { orgsWith, can } = useAuth();
  const orgs = useMemo(() => [...new Map(orgsWith('stats.read').map((o) => [o.id, o])).values()].sort((a, b) => a.path.length - b.path.length), [orgsWith]);
  const templates = useAsync(() => api.get<TemplateInfo[]>('/stats/templates'), []);
  const annual = (templates.data ?? []).filter((t) => t.annual);
  const [org, setOrg] = useState('');
  const [template, setTemplate] = useState('gov-2014');
  const [year, setYear] = useState(beijingYear() - 1);
  useEffect(() => {
    if (!org && orgs.length) setOrg(orgs[0].id);
  }, [org, orgs]);
  const status = useAsync(
    () => (org ? api.get<BundleStatusView>(`/stats/bundles${qs({ org, year, template })}`) : Promise.resolve(undefined)),
    [org, year, template],
  );
  const isAdmin = !!org && can('stats.senders', org);
  const senders = useAsync(() => (isAdmin ? api.get<SendersView>(`/stats/senders${qs({ org })}`) : Promise.resolve(undefined)), [org, isAdmin]);
  const { run, error, busy } = useSubmit((step: () => Promise<void>) => step());
  const [notice, setNotice] = useState('');
  const [returning, setReturning] = useState<{ id: string; comment: string } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const years = Array.from({ length: 8 }, (_, i) => beijingYear() - i);
  const tplTitle = (id: string) => annual.find((t) => t.id === id)?.title ?? id;

  const importFile = (file: File) =>
    run(async () => {
      setNotice('');
      let bundle: unknown;
      try {
        bundle = JSON.parse(await file.text());
      } catch {
        throw new Error('所选文件不是报送包（无法读取其内容）');
      }
      const r = await api.post<{ organisation: { name: string } }>('/stats/bundles', { org, year, template, bundle });
      setNotice(`已收取「${r.organisation.name}」的报送包，签名、明细摘要与表内校验均已通过。`);
      await status.reload();
    });
  const decide = (row: SenderStatusRow, action: 'accept' | 'return') =>
    run(async () => {
      setNotice('');
      if (action === 'return') await api.post(`/stats/bundles/${row.bundle!.id}/return`, { comment: returning?.comment ?? '' });
      else await api.post(`/stats/bundles/${row.bundle!.id}/accept`);
      setReturning(null);
      setNotice(action === 'return' ? `已退回「${row.sender.name}」的报送包。` : `已采纳「${row.sender.name}」的报送包，将计入汇总。`);
      await status.reload();
    });
  const exportOwn = () => run(async () => void (await download(`/stats/reports/${template}/bundle${qs({ org, year })}`, `报送包-${year}.json`)));
  const exportAggregate = () =>
    run(async () => void (await download(`/stats/reports/${template}/aggregate${qs({ org, year, format: 'xlsx' })}`, `汇总-${year}.xlsx`)));

  const [form, setForm] = useState({ name: '', publicKey: '' });
  const register = useSubmit(async () => {
    await api.post('/stats/senders', { org, ...form });
    setForm({ name: '', publicKey: '' });
    await Promise.all([senders.reload(), status.reload()]);
  });

  const counts = status.data?.counts;
  return (
    <section className="page bundles-page">
      <h1 ref={h1} tabIndex={-1}>
        上报汇总
      </h1>
      <p className="muted">收取下级报送的已封存年度报表：核验签名、明细摘要和表内逻辑后收取，可退回重报或采纳；采纳的报表与本级台账逐项相加形成汇总表。</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="收取范围">
        <div className="field">
          <label htmlFor="b-org">收取机构</label>
          <select id="b-org" value={org} onChange={(e) => setOrg(e.target.value)}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="b-tpl">报表</label>
          <select id="b-tpl" value={template} onChange={(e) => setTemplate(e.target.value)}>
            {annual.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="b-year">年度</label>
          <select id="b-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorBanner error={error ?? status.error ?? templates.error} labelOf={bundleFieldLabel} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}

      <section className="card" aria-labelledby="h-status">
        <div className="page-head">
          <h2 id="h-status">报送情况</h2>
          {counts ? (
            <small className="muted" data-testid="bundle-counts">
              未报 {counts.missing} · 已报 {counts.submitted} · 退回 {counts.returned} · 已采纳 {counts.accepted}
            </small>
          ) : null}
          <div className="actions">
            <input
              ref={fileRef}
              id="b-file"
              type="file"
              accept=".json,application/json"
              hidden
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importFile(f);
              }}
            />
            <button type="button" className="btn btn-primary" disabled={!org || busy} onClick={() => fileRef.current?.click()} data-testid="bundle-import">
              导入报送包
            </button>
            <button type="button" className="btn" disabled={!org || busy} onClick={exportAggregate} title="本级台账与已采纳的下级报表逐项相加">
              导出汇总表 XLSX
            </button>
          </div>
        </div>
        {status.loading && !status.data ? <Loading what="报送情况" /> : null}
        {status.data && !status.data.rows.length ? <p className="muted">尚未登记报送单位。请系统管理员在下方“报送单位与公钥”中登记下级的公钥。</p> : null}
        {status.data?.rows.length ? (
          <table className="table compact" data-testid="bundle-status">
            <thead>
              <tr>
                <th>报送单位</th>
                <th>报表</th>
                <th>状态</th>
                <th>报送机构</th>
                <th>封存时间</th>
                <th>收取时间</th>
                <th>填报人</th>
                <th>退回意见</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {status.data.rows.map((r) => (
                <tr key={`${r.sender.id}/${r.template}`}>
                  <td>{r.sender.name}</td>
                  <td>{tplTitle(r.template)}</td>
                  <td>
                    <span className={STATUS_CLASS[r.status]}>{r.statusLabel}</span>
                    {r.bundle?.replaced.length ? <small className="muted">（已重报 {r.bundle.replaced.length} 次）</small> : null}
                  </td>
                  <td>{r.bundle?.organisation.name ?? ''}</td>
                  <td>{fmtTime(r.bundle?.frozenAt)}</td>
                  <td>{fmtTime(r.bundle?.importedAt)}</td>
                  <td>{r.bundle ? `${r.bundle.signoff.preparer}（审核：${r.bundle.signoff.reviewer}）` : ''}</td>
                  <td>{r.bundle?.returnComment ?? r.bundle?.replaced.at(-1)?.returnComment ?? ''}</td>
                  <td>
                    {r.status === 'submitted' && returning?.id !== r.bundle!.id ? (
                      <>
                        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => decide(r, 'accept')}>
                          采纳
                        </button>
                        <button type="button" className="btn" disabled={busy} onClick={() => setReturning({ id: r.bundle!.id, comment: '' })}>
                          退回
                        </button>
                      </>
                    ) : null}
                    {returning && returning.id === r.bundle?.id ? (
                      <div className="field">
                        <label htmlFor={`ret-${r.bundle.id}`}>退回意见</label>
                        <textarea
                          id={`ret-${r.bundle.id}`}
                          rows={3}
                          value={returning.comment}
                          onChange={(e) => setReturning({ ...returning, comment: e.target.value })}
                        />
                        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => decide(r, 'return')}>
                          确认退回
                        </button>
                        <button type="button" className="btn" onClick={() => setReturning(null)}>
                          取消
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section className="card" aria-labelledby="h-own">
        <h2 id="h-own">向上级报送</h2>
        <p className="muted">本级报表封存后，可生成带本安装实例签名的报送包文件，交上级导入。报表未封存时不能生成。</p>
        <button type="button" className="btn" disabled={!org || busy} onClick={exportOwn} data-testid="bundle-export">
          生成本级报送包
        </button>
      </section>

      {isAdmin ? (
        <section className="card" aria-labelledby="h-keys">
          <h2 id="h-keys">报送单位与公钥</h2>
          <ErrorBanner error={senders.error ?? register.error} labelOf={bundleFieldLabel} />
          {senders.data ? (
            <div className="field">
              <label htmlFor="b-own-key">本安装实例的公钥（交上级登记）</label>
              <input
                id="b-own-key"
                readOnly
                value={senders.data.installation.publicKey}
                title={senders.data.installation.keyId}
                onFocus={(e) => e.target.select()}
              />
            </div>
          ) : null}
          {senders.data?.senders.length ? (
            <table className="table compact">
              <thead>
                <tr>
                  <th>报送单位</th>
                  <th>公钥</th>
                  <th>登记时间</th>
                </tr>
              </thead>
              <tbody>
                {senders.data.senders.map((s) => (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>
                      <input readOnly aria-label={`${s.name}的公钥`} value={s.publicKey} title={s.keyId} />
                    </td>
                    <td>{fmtTime(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <form className="filters" onSubmit={register.onSubmit} aria-label="登记报送单位">
            <div className="field">
              <label htmlFor="b-s-name">报送单位名称</label>
              <input id="b-s-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="b-s-key">报送单位公钥</label>
              <textarea id="b-s-key" rows={2} value={form.publicKey} onChange={(e) => setForm({ ...form, publicKey: e.target.value })} />
            </div>
            <button type="submit" className="btn btn-primary" disabled={register.busy}>
              登记
            </button>
          </form>
        </section>
      ) : null}
    </section>
  );
}
