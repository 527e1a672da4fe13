import { Fragment, ReactNode, useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useSubmit } from '../../lib/hooks';
import { ROLE_LABELS, ROLES } from '../../lib/labels';
import type { RoleGrant, UserRow } from '../../lib/types';

type RowAction = { id: string; kind: 'deactivate' | 'password' } | null;

const who = (u: UserRow) => `${u.displayName}（${u.username}）`;

/**
 * Users and their roles per organisation (a role applies to the organisation's subtree); switching an
 * account off (with a reason) or on again, and setting a new password for a user who forgot theirs.
 */
export function UsersTab() {
  const users = useAsync(() => api.get<UserRow[]>('/users'), []);
  const { orgName, user: me } = useAuth();
  const [editing, setEditing] = useState<string | null>(null);
  const [action, setAction] = useState<RowAction>(null);
  const [notice, setNotice] = useState('');
  const done = async (msg: string) => {
    setAction(null);
    setNotice(msg);
    await users.reload();
  };
  const activate = useSubmit(async (u: UserRow) => {
    setNotice('');
    setAction(null);
    await api.put(`/users/${u.id}/active`, { active: true });
    await done(`已启用 ${who(u)}，可以重新登录`);
  });
  const toggle = (id: string, kind: 'deactivate' | 'password') => {
    activate.setError(undefined);
    setNotice('');
    setAction(action?.id === id && action.kind === kind ? null : { id, kind });
  };
  return (
    <div>
      <ErrorBanner error={users.error} />
      <ErrorBanner error={activate.error} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}
      {users.loading && !users.data ? <Loading what="用户" /> : null}
      <table className="table" data-testid="user-table">
        <caption className="sr-only">用户</caption>
        <thead>
          <tr>
            <th scope="col">用户名</th>
            <th scope="col">姓名</th>
            <th scope="col">所属单位</th>
            <th scope="col">状态</th>
            <th scope="col">角色</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <Fragment key={u.id}>
              <tr>
                <th scope="row" className="mono">
                  {u.username}
                </th>
                <td>{u.displayName}</td>
                <td data-testid="user-home">
                  {u.homeOrganisationId ? orgName(u.homeOrganisationId) || <span className="muted">其他机构</span> : <span className="muted">未设置</span>}
                </td>
                <td data-testid="user-status">{u.active ? '启用' : <span className="err-text">已停用</span>}</td>
                <td>
                  {u.roles.map((r) => `${orgName(r.organisationId) || r.organisationId} · ${ROLE_LABELS[r.role] ?? r.role}`).join('；') || (
                    <span className="muted">无</span>
                  )}
                </td>
                <td>
                  {/* The API decides; a user whose home organisation or a role lies outside the admin's organisations is not theirs to manage. */}
                  {u.manageable ? (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setEditing(editing === u.id ? null : u.id)}
                        aria-expanded={editing === u.id}
                      >
                        设置角色
                      </button>{' '}
                      {/* Hiding 停用 for oneself is a convenience; the API refuses it anyway. */}
                      {u.active && u.id !== me?.id ? (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          onClick={() => toggle(u.id, 'deactivate')}
                          aria-expanded={action?.id === u.id && action.kind === 'deactivate'}
                        >
                          停用
                        </button>
                      ) : null}{' '}
                      {!u.active ? (
                        <button type="button" className="btn btn-small" onClick={() => void activate.run(u)}>
                          启用
                        </button>
                      ) : null}{' '}
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => toggle(u.id, 'password')}
                        aria-expanded={action?.id === u.id && action.kind === 'password'}
                      >
                        重置密码
                      </button>
                    </>
                  ) : (
                    <span className="muted">不在管理范围内</span>
                  )}
                </td>
              </tr>
              {action?.id === u.id ? (
                <tr>
                  <td colSpan={6}>
                    {action.kind === 'deactivate' ? (
                      <DeactivateForm user={u} onDone={done} onCancel={() => setAction(null)} />
                    ) : (
                      <PasswordForm user={u} onDone={done} onCancel={() => setAction(null)} />
                    )}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {editing && users.data ? (
        <RolesEditor key={editing} user={users.data.find((u) => u.id === editing)!} onDone={async () => (setEditing(null), await users.reload())} />
      ) : null}
      <CreateUser onDone={users.reload} />
    </div>
  );
}

type RowFormProps = { user: UserRow; onDone(msg: string): Promise<void>; onCancel(): void };

/** 停用: a reason is required (it goes into the audit log); the user's sign-in stops working at once. */
function DeactivateForm({ user, onDone, onCancel }: RowFormProps) {
  const [reason, setReason] = useState('');
  const send = async () => {
    await api.put(`/users/${user.id}/active`, { active: false, reason: reason.trim() });
    await onDone(`已停用 ${who(user)}，其登录已失效`);
  };
  return (
    <RowForm
      name={`停用 ${who(user)}`}
      id="ud-reason"
      field="reason"
      label="停用原因"
      confirm="确认停用"
      danger
      ready={!!reason.trim()}
      send={send}
      onCancel={onCancel}
    >
      <input
        id="ud-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        maxLength={500}
        placeholder="如：调离本单位"
        aria-describedby="ud-reason-err"
        autoFocus
      />
    </RowForm>
  );
}

/** 重置密码: the admin sets a new password (the same rules as a new user's) and tells the user. */
function PasswordForm({ user, onDone, onCancel }: RowFormProps) {
  const [password, setPassword] = useState('');
  const send = async () => {
    await api.post(`/users/${user.id}/password`, { password });
    await onDone(`已为 ${who(user)}设置新密码，请当面或电话告知本人`);
  };
  return (
    <RowForm
      name={`重置 ${who(user)}的密码`}
      id="up-password"
      field="password"
      label="新密码（至少8位）"
      confirm="确认重置"
      ready={!!password}
      send={send}
      onCancel={onCancel}
    >
      <input
        id="up-password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        aria-describedby="up-password-err"
        autoFocus
      />
    </RowForm>
  );
}

/** A form under a user's row: one input (`children`, with `id` and aria-describedby `${id}-err`), confirm and cancel. */
function RowForm(p: {
  name: string;
  id: string;
  field: string;
  label: string;
  confirm: string;
  danger?: boolean;
  ready: boolean;
  send(): Promise<void>;
  onCancel(): void;
  children: ReactNode;
}) {
  const { error, onSubmit } = useSubmit(p.send);
  return (
    <form onSubmit={onSubmit} aria-label={p.name}>
      <ErrorBanner error={error} fieldsShown={[p.field]} />
      <div className="inline-form">
        <label htmlFor={p.id}>{p.label}</label>
        {p.children}
        <button type="submit" className={p.danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={!p.ready}>
          {p.confirm}
        </button>
        <button type="button" className="btn" onClick={p.onCancel}>
          取消
        </button>
      </div>
      <FieldError error={error} field={p.field} id={`${p.id}-err`} />
    </form>
  );
}

function GrantPicker({ onAdd, idPrefix }: { onAdd(g: RoleGrant): void; idPrefix: string }) {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('user.manage');
  const [org, setOrg] = useState(orgs[0]?.id ?? '');
  const [role, setRole] = useState(ROLES[0]);
  return (
    <div className="inline-form">
      <label htmlFor={`${idPrefix}-org`}>机构</label>
      <select id={`${idPrefix}-org`} value={org} onChange={(e) => setOrg(e.target.value)}>
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}-role`}>角色</label>
      <select id={`${idPrefix}-role`} value={role} onChange={(e) => setRole(e.target.value)}>
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
  const save = useSubmit(async () => {
    await api.put(`/users/${user.id}/roles`, { roles });
    onDone();
  });
  return (
    <section className="card" aria-labelledby="h-roles">
      <h3 id="h-roles">
        {user.displayName}（{user.username}）的角色
      </h3>
      <ErrorBanner error={save.error} />
      <ul>
        {roles.map((r, i) => (
          <li key={`${r.organisationId}-${r.role}`}>
            {orgName(r.organisationId)} · {ROLE_LABELS[r.role]}{' '}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setRoles(roles.filter((_, j) => j !== i))}
              aria-label={`移除 ${orgName(r.organisationId)} ${ROLE_LABELS[r.role]}`}
            >
              移除
            </button>
          </li>
        ))}
      </ul>
      <GrantPicker
        idPrefix="re-gp"
        onAdd={(g) => setRoles(roles.some((r) => r.organisationId === g.organisationId && r.role === g.role) ? roles : [...roles, g])}
      />
      <p>
        <button type="button" className="btn btn-primary" onClick={() => void save.run()}>
          保存角色
        </button>
      </p>
    </section>
  );
}

function CreateUser({ onDone }: { onDone(): Promise<void> }) {
  const [f, setF] = useState({ username: '', displayName: '', password: '' });
  const [roles, setRoles] = useState<RoleGrant[]>([]);
  const [ok, setOk] = useState('');
  const { orgName, orgsWith } = useAuth();
  // 所属单位: one of the organisations the admin manages (the API refuses any other).
  const homes = orgsWith('user.manage');
  const [home, setHome] = useState('');
  const homeOrganisationId = home || homes[0]?.id || '';
  const { error, onSubmit } = useSubmit(async () => {
    await api.post('/users', { ...f, homeOrganisationId, roles });
    setOk(`已新建用户 ${f.username}`);
    setF({ username: '', displayName: '', password: '' });
    setRoles([]);
    await onDone();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-new-user">
      <h3 id="h-new-user">新建用户</h3>
      <ErrorBanner error={error} fieldsShown={['username', 'displayName', 'password', 'homeOrganisationId']} />
      {ok ? <p className="alert alert-ok">{ok}</p> : null}
      <div className="grid-3">
        <div className="field">
          <label htmlFor="nu-username">用户名</label>
          <input
            id="nu-username"
            autoComplete="off"
            value={f.username}
            onChange={(e) => setF({ ...f, username: e.target.value })}
            aria-describedby="nu-username-err"
          />
          <FieldError error={error} field="username" id="nu-username-err" />
        </div>
        <div className="field">
          <label htmlFor="nu-name">姓名</label>
          <input id="nu-name" value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} aria-describedby="nu-name-err" />
          <FieldError error={error} field="displayName" id="nu-name-err" />
        </div>
        <div className="field">
          <label htmlFor="nu-password">初始密码（至少8位）</label>
          <input
            id="nu-password"
            type="password"
            autoComplete="new-password"
            value={f.password}
            onChange={(e) => setF({ ...f, password: e.target.value })}
            aria-describedby="nu-password-err"
          />
          <FieldError error={error} field="password" id="nu-password-err" />
        </div>
        <div className="field">
          <label htmlFor="nu-home">所属单位</label>
          <select id="nu-home" value={homeOrganisationId} onChange={(e) => setHome(e.target.value)} aria-describedby="nu-home-err">
            {homes.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <FieldError error={error} field="homeOrganisationId" id="nu-home-err" />
        </div>
      </div>
      <p>角色：{roles.map((r) => `${orgName(r.organisationId)} · ${ROLE_LABELS[r.role]}`).join('；') || '（未设置）'}</p>
      <GrantPicker idPrefix="nu-gp" onAdd={(g) => setRoles([...roles.filter((r) => !(r.organisationId === g.organisationId && r.role === g.role)), g])} />
      <p>
        <button className="btn btn-primary" type="submit">
          新建用户
        </button>
      </p>
    </form>
  );
}
