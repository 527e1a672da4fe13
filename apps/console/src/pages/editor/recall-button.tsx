import { useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/hooks';
import type { Item } from '../../lib/types';

/**
 * 撤回提交 (issue 15.3): a submitted item back to draft, before any review level decided it. Shown to
 * whoever may recall in the item's organisation; asks once, inline. The server refuses (in Chinese,
 * shown here) once a level has been decided.
 */
export function RecallButton({ item, onDone }: { item: Pick<Item, 'id' | 'status' | 'organisationId'>; onDone(message: string): void }) {
  const { can } = useAuth();
  const [asking, setAsking] = useState(false);
  const recall = useSubmit(async () => {
    await api.post(`/items/${item.id}/recall`, {});
    setAsking(false);
    onDone('已撤回提交，信息回到草稿，可以修改后重新提交');
  });
  if (item.status !== 'submitted' || !can('item.recall', item.organisationId)) return null;
  return (
    <div className="recall" data-testid="recall">
      {asking ? (
        <p className="alert alert-warn" role="alert">
          撤回后信息回到草稿，审核人不再看到它；修改后可重新提交。确定撤回提交吗？{' '}
          <button type="button" className="btn btn-primary btn-small" disabled={recall.busy} onClick={() => void recall.run()} data-testid="recall-confirm">
            {recall.busy ? '正在撤回…' : '确定撤回'}
          </button>{' '}
          <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
            取消
          </button>
        </p>
      ) : (
        <button type="button" className="btn" onClick={() => setAsking(true)} data-testid="recall-submit">
          撤回提交
        </button>
      )}
      <ErrorBanner error={recall.error} />
    </div>
  );
}
