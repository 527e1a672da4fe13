import { FormEvent, useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, ApiError } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync } from '../../lib/hooks';
import { ROLE_LABELS, ROLES } from '../../lib/labels';
import type { RoleGrant } from '../../lib/types';

interface UserRow {
  id: string;
  username: string;
  displayName: string;
  active: boolean;
  roles: RoleGrant[];
}

/** Users and their roles per organisation (a role applies to the organisation's subtree). */
export function UsersTab() {
  const users = useAsync(() => api.get<UserRow[]>('/users'), []);
  const { orgName } = useAuth();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div>
      <ErrorBanner error={users.error} />
      {users.loading && !users.data ? <Loading what="用户" /> : null}
      <table className="table" data-testid="user-table">
        <caption className="sr-only">用户</caption>
        <thead>
          <tr>
            <th scope="col">用户名</th>
            <th scope="col">姓名</th>
            <th scope="col">角色</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <tr key={u.id}>
              <th scope="row" className="mono">
                {u.username}
                {!u.active ? '（停用）' : ''}
              </th>
              <td>{u.displayName}</td>
              <td>{u.roles.map((r) => `${orgName(r.organisationId) || r.organisationId} · ${ROLE_LABELS[r.role] ?? r.role}`).join('；') || <span className="muted">无</span>}</td>
              <td>
                <button type="button" className="btn btn-small" onClick={() => setEditing(editing === u.id ? null : u.id)} aria-expanded={editing === u.id}>
                  设置角色
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && users.data ? <RolesEditor user={users.data.find((u) => u.id === editing)!} onDone={async () => (setEditing(null), await users.reload())} /> : null}
      <CreateUser onDone={users.reload} />
    </div>
  );
}

function GrantPicker({ onAdd }: { onAdd(g: RoleGrant): void }) {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('admin');
  const [org, setOrg] = useState(orgs[0]?.id ?? '');
  const [role, setRole] = useState('editor');
  return (
    <div className="inline-form">
      <label htmlFor="gp-org">机构</label>
      <select id="gp-org" value={org} onChange={(e) => setOrg(e.target.value)}>
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <label htmlFor="gp-role">角色</label>
      <select id="gp-role" value={role} onChange={(e) => setRole(e.target.value)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" onClick={() => onAdd({ organisationId: org, role: role as RoleGrant['role'] })}>
        添加角色
      </button>
    </div>
  );
}

function RolesEditor({ user, onDone }: { user: UserRow; onDone(): void }) {
  const { orgName } = useAuth();
  const [roles, setRoles] = useState<RoleGrant[]>(user.roles);
  const [error, setError] = useState<ApiError>();
  const save = async () => {
    try {
      await api.put(`/users/${user.id}/roles`, { roles });
      onDone();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <section className="card" aria-labelledby="h-roles">
      <h3 id="h-roles">{user.displayName}（{user.username}）的角色</h3>
      <ErrorBanner error={error} />
      <ul>
        {roles.map((r, i) => (
          <li key={`${r.organisationId}-${r.role}`}>
            {orgName(r.organisationId)} · {ROLE_LABELS[r.role]}{' '}
            <button type="button" className="btn btn-small" onClick={() => setRoles(roles.filter((_, j) => j !== i))} aria-label={`移除 ${orgName(r.organisationId)} ${ROLE_LABELS[r.role]}`}>
              移除
            </button>
          </li>
        ))}
      </ul>
      <GrantPicker onAdd={(g) => setRoles(roles.some((r) => r.organisationId === g.organisationId && r.role === g.role) ? roles : [...roles, g])} />
      <p>
        <button type="button" className="btn btn-primary" onClick={save}>
          保存角色
        </button>
      </p>
    </section>
  );
}

function CreateUser({ onDone }: { onDone(): Promise<void> }) {
  const [f, setF] = useState({ username: '', displayName: '', password: '' });
  const [roles, setRoles] = useState<RoleGrant[]>([]);
  const [error, setError] = useState<ApiError>();
  const [ok, setOk] = useState('');
  const { orgName } = useAuth();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/users', { ...f, roles });
      setOk(`已新建用户 ${f.username}`);
      setF({ username: '', displayName: '', password: '' });
      setRoles([]);
      await onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="h-new-user">
      <h3 id="h-new-user">新建用户</h3>
      <ErrorBanner error={error} fieldsShown={['username', 'displayName', 'password']} />
      {ok ? <p className="alert alert-ok">{ok}</p> : null}
      <div className="grid-3">
        <div className="field">
          <label htmlFor="nu-username">用户名</label>
          <input id="nu-username" autoComplete="off" value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} aria-describedby="nu-username-err" />
          <FieldError error={error} field="username" id="nu-username-err" />
        </div>
        <div className="field">
          <label htmlFor="nu-name">姓名</label>
          <input id="nu-name" value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} aria-describedby="nu-name-err" />
          <FieldError error={error} field="displayName" id="nu-name-err" />
        </div>
        <div className="field">
          <label htmlFor="nu-password">初始密码（至少8位）</label>
          <input id="nu-password" type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} aria-describedby="nu-password-err" />
          <FieldError error={error} field="password" id="nu-password-err" />
        </div>
      </div>
      <p>角色：{roles.map((r) => `${orgName(r.organisationId)} · ${ROLE_LABELS[r.role]}`).join('；') || '（未设置）'}</p>
      <GrantPicker onAdd={(g) => setRoles([...roles.filter((r) => !(r.organisationId === g.organisationId && r.role === g.role)), g])} />
      <p>
        <button className="btn btn-primary" type="submit">
          新建用户
        </button>
      </p>
    </form>
  );
}
