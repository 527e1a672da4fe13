import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { FindingsList } from '../../components/findings-list';
import { Loading } from '../../components/loading';
import { PreviewsPanel } from '../../components/previews-panel';
import { StateBadge, StatusBadge } from '../../components/state-badge';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useInterval, usePageTitle, useSubmit } from '../../lib/hooks';
import { fmtBytes, fmtTime, KIND_LABELS } from '../../lib/labels';
import { escapeHtml, markRanges } from '../../lib/text';
import type { AuditEntry, ChannelCapabilities, ItemDelivery, ItemDetail } from '../../lib/types';
import { ReviewPanel } from './review-panel';
import { ScheduleForm } from './schedule-form';
import { VersionDiff } from './version-diff';
import { ChannelItemPanels } from '../../channels/registry';
import { RecallButton } from '../editor/recall-button';
import { auditActionLabel } from '../../../../../libs/domain/src/enums/audit-actions';
import { platformWords } from '../../lib/delivery-words';

const EDITABLE = ['draft', 'rejected', 'published', 'not_published'];
const TERMINAL = ['published', 'withdrawn', 'failed', 'cancelled'];

const ACTIONS: Record<string, string> = {
  'item.create': '创建',
  'item.update': '修改',
  'item.revise': '修订已发布信息',
  'item.submit': '提交审核',
  'item.submit_blocked': '提交被拦截（密级标志）',
  'item.approve': '审核通过（终审）',
  'item.approve_level': '本级审核通过',
  'item.reject': '退回',
  'item.withdraw': '撤回',
  'item.revision_manual_needed': '修订版需人工处理的渠道',
  'finding.keep': '保留审查发现',
  'finding.redact': '脱敏',
};

/** One item for every role: content, findings, differences, review, previews, deliveries, history. */
export default function ItemPage() {
  const { id = '' } = useParams();
  const loc = useLocation();
  const { user, can, holdsRole, orgName } = useAuth();
  const item = useAsync(() => api.get<ItemDetail>(`/items/${id}`), [id]);
  const audit = useAsync(() => api.get<AuditEntry[]>(`/items/${id}/audit`), [id, item.data?.updatedAt, item.data?.status]);
  const deliveries = useAsync(() => api.get<ItemDelivery[]>(`/items/${id}/deliveries`), [id, item.data?.status]);
  const caps = useAsync(() => api.get<ChannelCapabilities[]>('/channels'), []);
  const [notice, setNotice] = useState<string>((loc.state as { notice?: string } | null)?.notice ?? '');
  const h1 = usePageTitle(item.data?.title ?? '信息');
  const pending = (deliveries.data ?? []).some((d) => !TERMINAL.includes(d.state));
  useInterval(
    () => {
      void deliveries.reload();
      if (item.data?.status === 'approved') void item.reload();
    },
    pending || item.data?.status === 'approved' ? 2000 : null,
  );

  const d = item.data;
  const bodyDoc = useMemo(() => {
    if (!d) return '';
    const marked = markRanges(
      d.bodyHtml,
      d.findings
        .filter((f) => f.field === 'bodyHtml')
        .map((f) => ({ start: f.start, end: f.end, cls: f.status === 'open' ? `finding-${f.severity}` : 'finding-decided', title: f.message })),
    );
    return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><base target="_blank"><style>
      body{font:17px/1.8 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:16px;color:#222}
      img{max-width:100%;height:auto}mark.finding-block{background:#f8c4c0;outline:2px solid #b5302b}
      table{border-collapse:collapse}th,td{border:1px solid #57606a;padding:2px 8px;vertical-align:top}th{background:#f3f4f6}td p,th p{margin:0}figure{margin:12px auto;text-align:center}figcaption{color:#57606a;font-size:15px}
      mark.finding-review{background:#ffe08a;outline:2px solid #b58100}mark.finding-warn{background:#dfe8f7}mark.finding-decided{background:#eef1f4;outline:1px dashed #8c959f}
      </style><title>${escapeHtml(d.title)}</title></head><body>${marked}</body></html>`;
  }, [d]);

  if (item.loading && !d) return <Loading what="信息" />;
  if (!d) return <ErrorBanner error={item.error} />;

  const isAuthor = d.authorId === user?.id;
  const canEdit = can('item.edit', d.organisationId) && EDITABLE.includes(d.status);
  // the level under review is decided by the role the organisation's review policy names for it
  const levelSpec = d.reviewPolicy[Math.min(d.reviewLevel, d.reviewPolicy.length - 1)];
  const canReview = d.status === 'submitted' && !!levelSpec && holdsRole(levelSpec.role, d.organisationId) && !isAuthor;
  const canWithdraw = (d.status === 'published' || d.status === 'approved') && can('item.withdraw', d.organisationId);
  const canKeep = can('finding.keep', d.organisationId) && !isAuthor;
  const canRedact = can('finding.redact', d.organisationId) && ['draft', 'rejected', 'submitted'].includes(d.status);

  const reload = async () => {
    await item.reload();
  };

  return (
    <section className="page item-page">
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {d.title}
        </h1>
        <div className="head-meta">
          <StatusBadge status={d.status} />
          <span className="mono">{d.indexNo}</span>
          <span>{orgName(d.organisationId)}</span>
          <span>{KIND_LABELS[d.kind] ?? d.kind}</span>
        </div>
      </div>
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="item-notice">
          {notice}
        </p>
      ) : null}
      {d.status === 'rejected' && d.rejectionReason ? <p className="alert alert-warn">退回原因：{d.rejectionReason}</p> : null}
      {d.status === 'not_published' ? (
        <p className="alert alert-warn" data-testid="not-published-note">
          本信息已审核通过，但各渠道的发布均已取消，未在任何渠道发布，也不计入统计。如需发布，可由渠道运维重新发送，或修改后重新提交审核。
        </p>
      ) : null}
      <div className="actions">
        {canEdit ? (
          <Link className="btn" to={`/items/${d.id}/edit`} data-testid="edit-item">
            {d.status === 'published' ? '修订' : '修改'}
          </Link>
        ) : null}
        {canWithdraw ? <WithdrawForm id={d.id} onDone={(m) => (setNotice(m), reload())} /> : null}
        <RecallButton item={d} onDone={(m) => (setNotice(m), reload())} />
      </div>

      {d.status === 'submitted' && isAuthor ? (
        <p className="alert alert-info" data-testid="own-item-note">
          本信息由您撰写，须由其他审核人审核（先审查、后公开），您不能审核自己的信息。
        </p>
      ) : null}
      {canReview ? <ReviewPanel item={d} onDone={(m) => (setNotice(m), reload())} /> : null}
      {d.status === 'submitted' && can('item.preview', d.organisationId) ? <ChannelItemPanels item={d} /> : null}
      {d.status === 'approved' && d.publishAt && new Date(d.publishAt) > new Date() && can('delivery.schedule', d.organisationId) ? (
        <ScheduleForm id={d.id} publishAt={d.publishAt} onDone={(m) => (setNotice(m), reload())} />
      ) : null}

      <div className="grid-2 item-grid">
        <div>
          <section className="card" aria-labelledby="h-meta">
            <h2 id="h-meta">政务公开目录信息</h2>
            <table className="meta-table">
              <tbody>
                <tr>
                  <th scope="row">索引号</th>
                  <td className="mono">{d.indexNo}</td>
                  <th scope="row">主题分类</th>
                  <td>{d.category}</td>
                </tr>
                <tr>
                  <th scope="row">发布机构</th>
                  <td>{d.issuingBody}</td>
                  <th scope="row">成文日期</th>
                  <td>{d.writtenDate ?? '—'}</td>
                </tr>
                <tr>
                  <th scope="row">文号</th>
                  <td>{d.docNo ?? '—'}</td>
                  <th scope="row">发布日期</th>
                  <td>{d.publishDate ?? '—'}</td>
                </tr>
                <tr>
                  <th scope="row">公开属性</th>
                  <td>{d.disclosureAttr}</td>
                  <th scope="row">有效性</th>
                  <td>
                    {d.validity}
                    {d.repealedDate ? `（${d.repealedDate} 废止）` : ''}
                  </td>
                </tr>
                <tr>
                  <th scope="row">定时发布</th>
                  <td>{d.publishAt ? fmtTime(d.publishAt) : '审核通过后立即'}</td>
                  <th scope="row">版本</th>
                  <td>{d.currentVersionNo ? `第 ${d.currentVersionNo} 版` : '未发布'}</td>
                </tr>
                {d.policyItemId ? (
                  <tr>
                    <th scope="row">所解读的政策</th>
                    <td colSpan={3}>
                      <Link to={`/items/${d.policyItemId}`}>查看政策文件</Link>
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
            {d.summary ? (
              <p>
                <strong>摘要：</strong>
                {d.summary}
              </p>
            ) : null}
          </section>
          <section className="card" aria-labelledby="h-body">
            <h2 id="h-body">正文</h2>
            {/* same origin, no scripts: the body's private images load with the session cookie */}
            <iframe className="body-frame" title="正文（审查发现已标出）" sandbox="allow-popups allow-same-origin" srcDoc={bodyDoc} data-testid="body-frame" />
            {d.attachments.length ? (
              <>
                <h3>附件</h3>
                <ul className="attachments">
                  {d.attachments.map((a) => (
                    <li key={a.url}>
                      <a href={a.url} target="_blank" rel="noopener noreferrer">
                        {a.name}
                      </a>{' '}
                      <span className="muted">{fmtBytes(a.size)}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
          <section className="card" aria-labelledby="h-find">
            <h2 id="h-find">合规检查</h2>
            <FindingsList item={d} findings={d.findings} onChanged={reload} canKeep={canKeep} canRedact={canRedact} />
          </section>
          <section className="card" aria-labelledby="h-diff">
            <h2 id="h-diff">修改比对</h2>
            <VersionDiff item={d} audit={audit.data ?? []} />
          </section>
        </div>
        <div>
          <section className="card" aria-labelledby="h-deliveries">
            <h2 id="h-deliveries">各渠道发布情况</h2>
            <ErrorBanner error={deliveries.error} />
            {deliveries.data?.length ? (
              <table className="table compact" data-testid="item-deliveries">
                <thead>
                  <tr>
                    <th scope="col">渠道账号</th>
                    <th scope="col">版本</th>
                    <th scope="col">状态</th>
                    <th scope="col">说明</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.data.map((x) => (
                    <tr key={x.id}>
                      <td>{x.accountName}</td>
                      <td>第 {x.versionNo} 版</td>
                      <td>
                        <StateBadge state={x.state} />
                      </td>
                      <td>
                        {x.externalUrl ? (
                          <a href={x.externalUrl} target="_blank" rel="noopener noreferrer">
                            查看
                          </a>
                        ) : null}
                        {x.lastErrorMessage ? <span className="err-text">{platformWords(x.lastErrorMessage)}</span> : null}
                        {x.publishedAt ? <span className="muted"> {fmtTime(x.publishedAt)}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">审核通过后在此显示各渠道的发布进度。</p>
            )}
          </section>
          {['draft', 'rejected', 'submitted'].includes(d.status) && d.targetAccountIds.length ? (
            <section className="card" aria-labelledby="h-prev">
              <h2 id="h-prev">各渠道预览</h2>
              <PreviewsPanel itemId={d.id} version={Date.parse(d.updatedAt)} capabilities={caps.data} />
            </section>
          ) : null}
          <section className="card" aria-labelledby="h-audit">
            <h2 id="h-audit">办理记录</h2>
            <ol className="timeline" data-testid="audit">
              {(audit.data ?? []).map((a) => (
                <li key={a.id}>
                  <time>{fmtTime(a.at)}</time> <strong>{a.actorName ?? '系统'}</strong> {ACTIONS[a.action] ?? auditActionLabel(a.action)}
                  {a.details.secrecyConclusion ? <div className="muted">保密审查结论：{String(a.details.secrecyConclusion)}</div> : null}
                  {a.details.reason ? <div className="muted">原因：{String(a.details.reason)}</div> : null}
                  {a.details.level ? (
                    <div className="muted">
                      第 {String(a.details.level)} / {String(a.details.of)} 级
                    </div>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </section>
  );
}

function WithdrawForm({ id, onDone }: { id: string; onDone(msg: string): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { error, setError, onSubmit } = useSubmit(async () => {
    await api.post(`/items/${id}/withdraw`, { reason: reason.trim() });
    setOpen(false);
    onDone('已撤回：能撤回的渠道将收回发布，公报将在下一期刊登勘误');
  });
  useEffect(() => setError(undefined), [open, setError]);
  if (!open)
    return (
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        撤回
      </button>
    );
  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <label htmlFor="withdraw-reason">撤回原因</label>
      <input id="withdraw-reason" value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
      <button className="btn btn-danger" type="submit" disabled={!reason.trim()}>
        确认撤回
      </button>
      <button className="btn" type="button" onClick={() => setOpen(false)}>
        取消
      </button>
      <ErrorBanner error={error} />
    </form>
  );
}
