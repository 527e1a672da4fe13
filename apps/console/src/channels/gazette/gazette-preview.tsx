import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync } from '../../lib/hooks';
import type { Jsonified } from '../../lib/types';
import type { IssuePreview } from '../../../../api/src/channels/gazette/gazette-rows.types';

/**
 * 版面预览: the compiled issue's page as it will be published (masthead, contents, every article), in
 * a sandboxed frame (same origin without scripts: the articles' private images load with the session),
 * with the articles publication will drop named above it.
 */
export function GazetteIssuePreview({ issueId, version, onClose }: { issueId: string; version: string; onClose(): void }) {
  const p = useAsync(() => api.get<Jsonified<IssuePreview>>(`/gazette/issues/${issueId}/preview`), [issueId, version]);
  return (
    <section className="card" aria-labelledby={`h-preview-${issueId}`} data-testid="gazette-preview">
      <div className="page-head">
        <h4 id={`h-preview-${issueId}`}>{p.data ? `${p.data.label}版面预览（${p.data.articleCount} 篇）` : '版面预览'}</h4>
        <button type="button" className="btn btn-small" onClick={onClose}>
          关闭预览
        </button>
      </div>
      <ErrorBanner error={p.error} />
      {p.data?.dropped.length ? (
        <p className="alert alert-warn" data-testid="gazette-preview-dropped">
          以下信息已撤回或取消，出版时将不刊登：{p.data.dropped.map((t) => `《${t}》`).join('、')}
        </p>
      ) : null}
      {p.loading && !p.data ? (
        <Loading what="版面预览" />
      ) : p.data ? (
        <iframe
          className="gazette-preview-frame"
          title={`${p.data.label}版面预览`}
          sandbox="allow-same-origin"
          srcDoc={p.data.html}
          data-testid="gazette-preview-frame"
        />
      ) : null}
    </section>
  );
}
