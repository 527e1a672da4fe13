import type { ReactNode } from 'react';
import { FindingsList } from '../../components/findings-list';
import { PreviewsPanel } from '../../components/previews-panel';
import type { ChannelCapabilities, ItemDetail } from '../../lib/types';

/** Beside the editor: the compliance findings of the saved item (and the channels' own problems) and each channel's preview. */
export function EditorSide({
  item,
  problems,
  capabilities,
  previewVersion,
  dirty,
  onRefreshPreviews,
  onFindingsChanged,
}: {
  item: ItemDetail | null;
  problems: ReactNode;
  capabilities: ChannelCapabilities[];
  previewVersion: number;
  dirty: boolean;
  onRefreshPreviews(): void;
  /** a finding was kept or redacted: reload the item */
  onFindingsChanged(itemId: string): Promise<void>;
}) {
  return (
    <aside className="editor-side" aria-label="检查与预览">
      <section className="card" aria-labelledby="h-findings">
        <h2 id="h-findings">合规检查</h2>
        {problems}
        {item ? (
          <FindingsList item={item} findings={item.findings ?? []} onChanged={() => onFindingsChanged(item.id)} canKeep={false} />
        ) : (
          <p className="muted">保存后自动检查密级标志、个人信息和敏感词。</p>
        )}
      </section>
      <section className="card" aria-labelledby="h-previews">
        <h2 id="h-previews">各渠道预览</h2>
        {item ? (
          <>
            <button type="button" className="btn btn-small" onClick={onRefreshPreviews}>
              刷新预览{dirty ? '（显示已保存的内容）' : ''}
            </button>
            <PreviewsPanel itemId={item.id} version={previewVersion} capabilities={capabilities} />
          </>
        ) : (
          <p className="muted">保存草稿后显示各渠道的实际效果。</p>
        )}
      </section>
    </aside>
  );
}
