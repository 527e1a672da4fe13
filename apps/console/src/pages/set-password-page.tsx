import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner, FieldError } from '../components/error-banner';
import { api } from '../lib/api';
import { useSubmit } from '../lib/hooks';

/**
 * 设置密码: reached by the one-time link an admin hands over after a people import
 * (`/set-password#token=…`; the token is in the fragment, which the browser never sends to a server).
 * Sets the password once, then the user signs in as anybody else.
 */
export default function SetPasswordPage() {
  const [token] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const mismatch = again !== '' && again !== password;
  const { error, busy, onSubmit } = useSubmit(async () => {
    const r = await api.post<{ username: string }>('/auth/set-password', { token, password });
    setDone(r.username);
  });
  useEffect(() => {
    document.title = '设置密码 · 政务公开';
    // the token has been read: take it out of the address bar (and the browser's history entry)
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  return (
    <main id="main" className="signin">
      <form className="card signin-card" onSubmit={onSubmit} aria-labelledby="setpw-title" noValidate>
        <h1 id="setpw-title">设置密码</h1>
        {done ? (
          <div role="status" data-testid="set-password-done">
            <p className="alert alert-ok">密码已设置，用户名为 {done}。请使用新密码登录。</p>
            <Link className="btn btn-primary" to="/login">
              前往登录
            </Link>
          </div>
        ) : !token ? (
          <p className="alert alert-error" role="alert">
            链接不完整，请从管理员转交的设置密码链接打开此页面。
          </p>
        ) : (
          <>
            <p className="muted">
              请为您的账号设置登录密码：至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少三类，不能使用常见密码。此链接只能使用一次。
            </p>
            <ErrorBanner error={error} fieldsShown={['password']} />
            <div className="field">
              <label htmlFor="new-password">新密码</label>
              <input
                id="new-password"
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby="new-password-err"
                autoFocus
              />
              <FieldError error={error} field="password" id="new-password-err" />
            </div>
            <div className="field">
              <label htmlFor="again-password">再次输入新密码</label>
              <input
                id="again-password"
                type="password"
                autoComplete="new-password"
                required
                value={again}
                onChange={(e) => setAgain(e.target.value)}
                aria-describedby="again-password-err"
              />
              {mismatch ? (
                <p className="field-error" id="again-password-err" role="alert">
                  两次输入的密码不一致
                </p>
              ) : null}
            </div>
            <button className="btn btn-primary" type="submit" disabled={busy || !password || again !== password}>
              {busy ? '正在设置…' : '设置密码'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
