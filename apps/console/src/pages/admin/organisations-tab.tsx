import { useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/hooks';
import type { Organisation } from '../../lib/types';
import { JsonField } from './json-field';
import { ReviewPolicyEditor } from './review-policy-editor';

const LEVELS: Record<string, string> = { province: '省', city: '市', county: '县', department: '部门', township: '乡镇' };

/** The organisation tree: 审核流程 (先审查、后公开: the levels and who decides each), 索引号 scheme, settings. */
export function OrganisationsTab() {
  const { orgs, refreshOrgs, orgsWith, can } = useAuth();
  const adminOrgs = orgsWith('org.manage');
  const [editing, setEditing] = useState<string | null>(null);
  const [policyOf, setPolicyOf] = useState<string | null>(null);
  const canPolicy = !!policyOf && can('review-policy.manage', policyOf);
  const depth = (o: Organisation) => o.path.split('/').filter(Boolean).length - 1;
  return (
    <div>
      <table className="table" data-testid="org-table">
        <caption className="sr-only">机构</caption>
        <thead>
          <tr>
            <th scope="col">名称</th>
            <th scope="col">代码</th>
            <th scope="col">层级</th>
            <th scope="col">审核流程</th>
            <th scope="col">索引号规则</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {orgs.map((o) => (
            <tr key={o.id}>
              <th scope="row" style={{ paddingLeft: `${0.5 + depth(o) * 1.2}em` }}>
                {o.name}
              </th>
              <td className="mono">{o.code}</td>
              <td>{LEVELS[o.level] ?? o.level}</td>
              <td>
                {o.reviewLevels} 级<span className="muted">（{o.reviewPolicyInForce.map((l) => l.label).join(' → ')}）</span>
              </td>
              <td className="mono">{o.indexScheme}</td>
              <td>
                {adminOrgs.some((a) => a.id === o.id) ? (
                  <>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => (setPolicyOf(null), setEditing(editing === o.id ? null : o.id))}
                      aria-expanded={editing === o.id}
                    >
                      修改
                    </button>{' '}
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => (setEditing(null), setPolicyOf(policyOf === o.id ? null : o.id))}
                      aria-expanded={policyOf === o.id}
                    >
                      审核流程
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {policyOf && canPolicy ? (
        <ReviewPolicyEditor key={policyOf} org={orgs.find((o) => o.id === policyOf)!} onDone={async () => (setPolicyOf(null), await refreshOrgs())} />
      ) : null}
      {editing ? <EditOrg org={orgs.find((o) => o.id === editing)!} onDone={async () => (setEditing(null), await refreshOrgs())} /> : null}
      <CreateOrg parents={adminOrgs} onDone={refreshOrgs} />
    </div>
  );
}

function EditOrg({ org, onDone }: { org: Organisation; onDone(): void }) {
  const [name, setName] = useState(org.name);
  const [indexScheme, setIndexScheme] = useState(org.indexScheme);
  const [settings, setSettings] = useState<Record<string, unknown> | undefined>(org.settings);
  const [valid, setValid] = useState(true);
  const { error, onSubmit } = useSubmit(async () => {
    await api.patch(`/organisations/${org.id}`, { name, indexScheme, settings: settings ?? {} });
    onDone();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-edit-org">
      <h3 id="h-edit-org">修改机构：{org.name}</h3>
      <ErrorBanner error={error} fieldsShown={['name', 'indexScheme']} />
      <div className="grid-3">
        <div className="field">
          <label htmlFor="eo-name">名称</label>
          <input id="eo-name" value={name} onChange={(e) => setName(e.target.value)} aria-describedby="eo-name-err" />
          <FieldError error={error} field="name" id="eo-name-err" />
        </div>
        <div className="field">
          <label htmlFor="eo-scheme">索引号规则</label>
          <input
            id="eo-scheme"
            className="mono"
            value={indexScheme}
            onChange={(e) => setIndexScheme(e.target.value)}
            aria-describedby="eo-scheme-hint eo-scheme-err"
          />
          <p className="hint" id="eo-scheme-hint">
            可用占位符：{'{orgCode}'}（机构代码）、{'{yyyy}'}（年份）、{'{seq:5}'}（5 位序号）
          </p>
          <FieldError error={error} field="indexScheme" id="eo-scheme-err" />
        </div>
      </div>
      <JsonField
        id="eo-settings"
        label="其他设置（高级，按数据格式填写，如各类信息的默认发布渠道、公报刊登的类别）"
        value={org.settings}
        onChange={(v, ok) => (setSettings(v), setValid(ok))}
      />
      <button className="btn btn-primary" type="submit" disabled={!valid}>
        保存
      </button>
    </form>
  );
}

function CreateOrg({ parents, onDone }: { parents: Organisation[]; onDone(): Promise<void> }) {
  const [f, setF] = useState({ parentId: parents[0]?.id ?? '', code: '', name: '', level: 'department' });
  const [ok, setOk] = useState('');
  const { error, onSubmit } = useSubmit(async () => {
    const o = await api.post<Organisation>('/organisations', { ...f, parentId: f.parentId || undefined });
    setOk(`已新建：${o.name}`);
    setF((x) => ({ ...x, code: '', name: '' }));
    await onDone();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-new-org">
      <h3 id="h-new-org">新建机构</h3>
      <ErrorBanner error={error} fieldsShown={['code', 'name']} />
      {ok ? <p className="alert alert-ok">{ok}</p> : null}
      <div className="grid-3">
        <div className="field">
          <label htmlFor="no-parent">上级机构</label>
          <select id="no-parent" value={f.parentId} onChange={(e) => setF({ ...f, parentId: e.target.value })}>
            {parents.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="no-code">代码（字母数字）</label>
          <input id="no-code" value={f.code} onChange={(e) => setF({ ...f, code: e.target.value })} required aria-describedby="no-code-err" />
          <FieldError error={error} field="code" id="no-code-err" />
        </div>
        <div className="field">
          <label htmlFor="no-name">名称</label>
          <input id="no-name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required aria-describedby="no-name-err" />
          <FieldError error={error} field="name" id="no-name-err" />
        </div>
        <div className="field">
          <label htmlFor="no-level">层级</label>
          <select id="no-level" value={f.level} onChange={(e) => setF({ ...f, level: e.target.value })}>
            {Object.entries(LEVELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="hint">新建的机构沿用上级机构的审核流程，可在新建后单独设置。</p>
      <button className="btn btn-primary" type="submit">
        新建
      </button>
    </form>
  );
}
