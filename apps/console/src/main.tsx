import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout, RequirePermission } from './components/layout';
import { Loading } from './components/loading';
import { AuthProvider, useAuth } from './lib/auth';
import { HomePage } from './pages/home-page';
import { ItemsPage } from './pages/items-page';
import { SignInPage } from './pages/sign-in-page';
import './styles.css';

// Heavy pages are separate chunks: TipTap (editor), ECharts (statistics), and the operator/admin pages.
const EditorPage = lazy(() => import('./pages/editor/editor-page'));
const ItemPage = lazy(() => import('./pages/item/item-page'));
const ReviewQueuePage = lazy(() => import('./pages/review-queue-page'));
const MonitorPage = lazy(() => import('./pages/monitor/monitor-page'));
const StatsPage = lazy(() => import('./pages/stats/stats-page'));
const BundlesPage = lazy(() => import('./pages/stats/bundles-page'));
const AdminPage = lazy(() => import('./pages/admin/admin-page'));
const NotificationsPage = lazy(() => import('./pages/notifications/notifications-page'));
const InspectionPage = lazy(() => import('./pages/inspection/inspection-page'));
const SetPasswordPage = lazy(() => import('./pages/set-password-page'));

function Protected() {
  const { user, loading } = useAuth();
  const loc = useLocation();
  if (loading) return <Loading what="账号信息" />;
  if (!user) return <Navigate to="/login" replace state={{ from: loc.pathname + loc.search }} />;
  return <Layout />;
}

function App() {
  return (
    <Suspense fallback={<Loading what="页面" />}>
      <Routes>
        <Route path="/login" element={<SignInPage />} />
        <Route path="/set-password" element={<SetPasswordPage />} />
        <Route element={<Protected />}>
          <Route index element={<HomePage />} />
          <Route path="items" element={<ItemsPage />} />
          <Route
            path="items/new"
            element={
              <RequirePermission permission="item.create">
                <EditorPage />
              </RequirePermission>
            }
          />
          <Route path="items/:id" element={<ItemPage />} />
          <Route
            path="items/:id/edit"
            element={
              <RequirePermission permission="item.edit">
                <EditorPage />
              </RequirePermission>
            }
          />
          <Route
            path="review"
            element={
              <RequirePermission permission="item.review">
                <ReviewQueuePage />
              </RequirePermission>
            }
          />
          <Route
            path="monitor"
            element={
              <RequirePermission permission="delivery.operate">
                <MonitorPage />
              </RequirePermission>
            }
          />
          <Route
            path="stats"
            element={
              <RequirePermission permission="stats.read">
                <StatsPage />
              </RequirePermission>
            }
          />
          <Route
            path="stats/bundles"
            element={
              <RequirePermission permission="stats.read">
                <BundlesPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin"
            element={
              <RequirePermission permission="org.manage">
                <AdminPage />
              </RequirePermission>
            }
          />
          <Route
            path="inspection"
            element={
              <RequirePermission permission="inspection.read">
                <InspectionPage />
              </RequirePermission>
            }
          />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1>页面不存在</h1>
      <p>请从上方导航进入需要的页面。</p>
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
