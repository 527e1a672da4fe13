import { FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { AUDIT_ACTION_GROUPS, auditActionLabel } from '../../../../../libs/domain/src/enums/audit-actions';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, qs } from '../../lib/api';
import { auditDetailLines, DetailContext } from '../../lib/audit-details';
import { useAuth } from '../../lib/auth';
import { useAsync } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { lexiconName, type LexiconSummary } from '../../lib/lexicons';
import type { AuditLogPage, AuditLogRow, UserRow } from '../../lib/types';

interface Filters {
  actor: string;
  action: string;
  item: string;
  organisation: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { actor: '', action: '', item: '', organisation: '', from: '', to: '' };

const ENTITY_TYPES: Record<string, string> = {
  item: '信息',
  user: '用户',
  login: '登录名',
  address: '来源地址',
  organisation: '机构',
  channel_account: '渠道账号',
  delivery: '发送任务',
  gazette_issue: '公报',
  upload: '文件',
  lexicon: '词库',
  compliance_finding: '审查发现',
  compliance: '到期检查',
};

/**
 * The audit log (GET audit-logs): who did what, to which item or object, in which organisation and
 * when; filtered, newest first, paged by keyset (下一页 asks for the entries before the last one shown).
 */
export function AuditTab() {
  const { orgsWith, orgName } = useAuth();
  const orgs = orgsWith('audit.read');
  const users = useAsync(() => api.get<UserRow[]>('/users'), []);
  const lexicons = useAsync(() => api.get<LexiconSummary[]>('/compliance/lexicons').catch(() => [] as LexiconSummary[]), []);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  // cursors[i] is the `before` of page i + 1 (page 1 has none)
  const [cursors, setCursors] = useState<string[]>(['']);
  const before = cursors[cursors.length - 1];
  const page = useAsync(() => api.get<AuditLogPage>(`/audit-logs${qs({ ...applied, before })}`), [JSON.stringify(applied), before]);
  const ctx: DetailContext = useMemo(() => ({ orgName, lexiconName: (id) => lexiconName(lexicons.data, id) }), [orgName, lexicons.data]);
  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    setApplied({ ...draft, item: draft.item.trim() });
    setCursors(['']);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  return (
    <div data-testid="audit-tab">
      <form className="filters" onSubmit={apply} aria-label="筛选审计日志">
        <div className="field">
          <label htmlFor="au-actor">操作人</label>
          <select id="au-actor" value={draft.actor} onChange={set('actor')}>
            <option value="">全部</option>
            {users.data?.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}（{u.username}）
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-action">操作</label>
          <select id="au-action" value={draft.action} onChange={set('action')}>
            <option value="">全部</option>
            {AUDIT_ACTION_GROUPS.map((g) => (
              <optgroup key={g.label} label={g.label}>
                <option value={Object.keys(g.actions).join(',')}>{g.label}（全部）</option>
                {Object.entries(g.actions).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-item">信息（标题、索引号或文号）</label>
          <input id="au-item" value={draft.item} onChange={set('item')} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="au-org">机构（含下级）</label>
          <select id="au-org" value={draft.organisation} onChange={set('organisation')}>
            <option value="">全部</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="au-from">起始日期</label>
          <input id="au-from" type="date" value={draft.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="au-to">截止日期</label>
          <input id="au-to" type="date" value={draft.to} onChange={set('to')} />
        </div>
        <button className="btn btn-primary" type="submit">
          查询
        </button>
        <button className="btn" type="button" onClick={() => (setDraft(EMPTY), setApplied(EMPTY), setCursors(['']))}>
          清空条件
        </button>
      </form>
      <ErrorBanner error={page.error} />
      {page.loading && !page.data ? <Loading what="审计日志" /> : null}
      {page.data ? (
        page.data.entries.length ? (
          <table className="table audit-table" data-testid="audit-table" aria-busy={page.loading}>
            <caption className="sr-only">审计日志（按时间倒序）</caption>
            <thead>
              <tr>
                <th scope="col">时间</th>
                <th scope="col">操作人</th>
                <th scope="col">操作</th>
                <th scope="col">对象</th>
                <th scope="col">机构</th>
                <th scope="col">详情</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((r) => (
                <AuditRow key={r.id} r={r} ctx={ctx} />
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted" data-testid="audit-empty">
            没有符合条件的记录。
          </p>
        )
      ) : null}
      <nav className="pager" aria-label="分页">
        <button className="btn" type="button" disabled={cursors.length <= 1 || page.loading} onClick={() => setCursors(cursors.slice(0, -1))}>
          上一页
        </button>
        <span data-testid="audit-page">第 {cursors.length} 页</span>
        <button
          className="btn"
          type="button"
          disabled={!page.data?.nextCursor || page.loading}
          onClick={() => setCursors([...cursors, page.data!.nextCursor!])}
        >
          下一页
        </button>
      </nav>
    </div>
  );
}

function AuditRow({ r, ctx }: { r: AuditLogRow; ctx: DetailContext }) {
  // the item's title and 索引号 are in the 对象 column already
  const details = auditDetailLines(r.action, r.details, ctx).filter((d) => !(r.item && (d.label === '标题' || d.label === '索引号')));
  const ua = typeof r.details.userAgent === 'string' ? r.details.userAgent : undefined;
  const entity = r.entityType === 'lexicon' && r.entityId ? ctx.lexiconName?.(r.entityId) : r.entityName;
  return (
    <tr data-action={r.action} data-id={r.id}>
      <td className="small">{fmtTime(r.at)}</td>
      <td>{r.actor ? `${r.actor.name}（${r.actor.username}）` : r.actorHidden ? '上级或其他机构的用户' : '系统'}</td>
      <td data-testid="audit-action">{auditActionLabel(r.action)}</td>
      <td>
        {r.entityType !== 'item' || !r.item ? (
          <div>
            {ENTITY_TYPES[r.entityType] ?? '其他'}
            {entity ? `：${entity}` : ''}
          </div>
        ) : null}
        {r.item ? (
          <div>
            信息：<Link to={`/items/${r.item.id}`}>{r.item.title}</Link> <span className="muted small">{r.item.indexNo}</span>
          </div>
        ) : null}
      </td>
      <td>{r.organisation?.name ?? '—'}</td>
      <td>
        {details.length ? (
          <ul className="audit-details" title={ua}>
            {details.map((d, i) => (
              <li key={i}>
                <span className="muted">{d.label}：</span>
                {d.value}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
