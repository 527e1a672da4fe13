import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout, RequireRole } from './components/layout';
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
const AdminPage = lazy(() => import('./pages/admin/admin-page'));

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
        <Route element={<Protected />}>
          <Route index element={<HomePage />} />
          <Route path="items" element={<ItemsPage />} />
          <Route
            path="items/new"
            element={
              <RequireRole role="editor">
                <EditorPage />
              </RequireRole>
            }
          />
          <Route path="items/:id" element={<ItemPage />} />
          <Route
            path="items/:id/edit"
            element={
              <RequireRole role="editor">
                <EditorPage />
              </RequireRole>
            }
          />
          <Route
            path="review"
            element={
              <RequireRole role="reviewer">
                <ReviewQueuePage />
              </RequireRole>
            }
          />
          <Route
            path="monitor"
            element={
              <RequireRole role="operator">
                <MonitorPage />
              </RequireRole>
            }
          />
          <Route
            path="stats"
            element={
              <RequireRole role="statistician">
                <StatsPage />
              </RequireRole>
            }
          />
          <Route
            path="admin"
            element={
              <RequireRole role="admin">
                <AdminPage />
              </RequireRole>
            }
          />
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
