import { ReactNode, useEffect, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useChannelCatalogue } from '../channels/catalogue';
import { useAuth } from '../lib/auth';
import { PERMISSIONS, type Permission } from '../../../../libs/common/src/auth/permissions';
import { ROLE_LABELS } from '../lib/labels';
import { useWorkCounts, type WorkCounts } from '../lib/work-counts';

const NAV: { to: string; label: string; permission?: Permission; end?: boolean }[] = [
  { to: '/', label: '首页', end: true },
  { to: '/items/new', label: '写信息', permission: 'item.create' },
  { to: '/items', label: '信息列表', end: true },
  { to: '/review', label: '审核', permission: 'item.review' },
  { to: '/monitor', label: '发布监控', permission: 'delivery.operate' },
  { to: '/stats', label: '统计', permission: 'stats.read', end: true },
  { to: '/stats/bundles', label: '上报汇总', permission: 'stats.read' },
  { to: '/inspection', label: '检查指标', permission: 'inspection.read' },
  { to: '/admin', label: '系统管理', permission: 'org.manage' },
];

/** The shell: skip link, header with the pages this user's roles open, large-font toggle, sign-out. */
export function Layout() {
  const { user, signOut, can } = useAuth();
  const navigate = useNavigate();
  useChannelCatalogue(!!user);
  const [large, setLarge] = useState(() => localStorage.getItem('gd.largeFont') === '1');
  useEffect(() => {
    document.documentElement.classList.toggle('large-font', large);
    localStorage.setItem('gd.largeFont', large ? '1' : '0');
  }, [large]);
  const roles = [...new Set(user?.roles.map((r) => ROLE_LABELS[r.role] ?? r.role))].join('、');
  const counts = useWorkCounts(!!user);
  return (
    <>
      <a className="skip-link" href="#main">
        跳到主要内容
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            公
          </span>
          <span>政务公开 · 一次采编 多渠道发布</span>
        </div>
        <nav aria-label="主导航">
          <ul>
            {NAV.filter((n) => !n.permission || can(n.permission)).map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.end}>
                  {n.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <WorkNav counts={counts} />
        <div className="user-box">
          <NavLink to="/notifications" className="notif-link" data-testid="notifications-link" data-unread={counts?.unreadNotifications ?? 0}>
            通知
            {counts?.unreadNotifications ? <span className="nav-badge">{counts.unreadNotifications}</span> : null}
            <span className="sr-only">{counts?.unreadNotifications ? `，${counts.unreadNotifications} 条未读` : '，没有未读'}</span>
          </NavLink>
          <button type="button" className="btn-link" aria-pressed={large} onClick={() => setLarge(!large)} title="放大或还原页面文字">
            {large ? '标准字号' : '大字号'}
          </button>
          <span className="user-name" data-testid="current-user">
            {user?.displayName}
            <small>（{roles}）</small>
          </span>
          <button
            type="button"
            className="btn-link"
            onClick={() => {
              // the server ends the session and clears the cookie; the page follows either way
              void signOut()
                .catch(() => undefined)
                .finally(() => navigate('/login'));
            }}
          >
            退出登录
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

/** Waiting work, one link per kind the user has a part in (a null count: none), each with its count. */
const WORK: { key: Exclude<keyof WorkCounts, 'unreadNotifications'>; label: string; to: string }[] = [
  { key: 'review', label: '待审核', to: '/review' },
  { key: 'failed', label: '发布异常', to: '/monitor?tab=problems&state=failed' },
  { key: 'unconfirmed', label: '待人工核实', to: '/monitor?tab=problems&state=unconfirmed' },
  { key: 'awaitingIssue', label: '待编入公报', to: '/monitor?state=awaiting_issue' },
];

function WorkNav({ counts }: { counts: WorkCounts | null }) {
  const shown = WORK.filter((w) => counts && counts[w.key] !== null);
  if (!shown.length) return null;
  return (
    <nav aria-label="待办" className="work-nav" data-testid="work-nav">
      <ul>
        {shown.map((w) => {
          const n = counts![w.key] ?? 0;
          return (
            <li key={w.key}>
              <NavLink to={w.to} data-work={w.key} data-count={n} className={n ? 'has-work' : 'no-work'}>
                {w.label} <span className="nav-badge">{n}</span>
              </NavLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** Shows the page only to users who may do `permission`; the API enforces the same rule on every call. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(permission)) {
    return (
      <section className="page">
        <h1>无权访问</h1>
        <p className="alert alert-warn" role="alert" data-testid="forbidden">
          此页面需要以下角色之一：{PERMISSIONS[permission].map((r) => ROLE_LABELS[r]).join('、')}。如需开通，请联系系统管理员。
        </p>
      </section>
    );
  }
  return <>{children}</>;
}
