import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ErrorBanner, FieldError } from '../components/error-banner';
import { useAuth } from '../lib/auth';
import { useSubmit } from '../lib/hooks';
import { hasKeptWork } from '../lib/kept-work';

export function SignInPage() {
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  const loc = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  // where the user was sent from (a page whose session ended): signing in returns there
  const from = (loc.state as { from?: string } | null)?.from;
  const { error, busy, onSubmit } = useSubmit(async () => {
    await signIn(username.trim(), password, remember);
    void navigate(from ?? '/', { replace: true });
  });
  useEffect(() => {
    document.title = '登录 · 政务公开';
  }, []);
  // (the same place: signed in, this page may render once more before the navigation above lands)
  if (user) return <Navigate to={from ?? '/'} replace />;

  return (
    <main id="main" className="signin">
      <form className="card signin-card" onSubmit={onSubmit} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">政务公开 · 一次采编 多渠道发布</h1>
        <p className="muted">请使用本单位分配的账号登录。</p>
        {hasKeptWork(from) ? (
          <p className="alert alert-warn" role="status" data-testid="kept-work-notice">
            登录已失效。未保存的内容已暂存在本机，重新登录后将回到原页面并恢复。
          </p>
        ) : null}
        <ErrorBanner error={error} fieldsShown={['password', 'username']} />
        <div className="field">
          <label htmlFor="username">用户名</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-describedby="username-err"
            autoFocus
          />
          <FieldError error={error} field="username" id="username-err" />
        </div>
        <div className="field">
          <label htmlFor="password">密码</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby="password-err"
          />
          <FieldError error={error} field="password" id="password-err" />
        </div>
        <div className="field-inline">
          <input id="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <label htmlFor="remember">在本机保持登录（公用电脑请勿勾选）</label>
        </div>
        <button className="btn btn-primary" type="submit" disabled={busy || !username || !password}>
          {busy ? '正在登录…' : '登录'}
        </button>
      </form>
    </main>
  );
}
