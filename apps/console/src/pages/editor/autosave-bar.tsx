import { fmtTime } from '../../lib/labels';
import type { AutosaveDetail } from '../../../../api/src/items/item-autosave.types';
import type { Jsonified } from '../../lib/types';
import type { Draft } from './editor-form';
import type { AutosaveState } from './use-autosave';

/** HH:mm:ss in Beijing time. */
export function fmtClock(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The autosave's state beside the save buttons: 已自动保存 HH:mm:ss, or why it failed. */
export function AutosaveStatus({ state }: { state: AutosaveState }) {
  if (state.kind === 'idle') return null;
  return (
    <span className={state.kind === 'failed' ? 'field-error' : 'muted'} role="status" data-testid="autosave-status">
      {state.kind === 'saving' ? '正在自动保存…' : state.kind === 'saved' ? `已自动保存 ${fmtClock(state.at)}` : `自动保存失败：${state.error.message}`}
    </span>
  );
}

/** An autosave newer than the saved item, offered back: 恢复未保存的内容 / 放弃. */
export function AutosaveOffer({ offer, onRestore, onDiscard }: { offer: Jsonified<AutosaveDetail>; onRestore(d: Draft): void; onDiscard(): void }) {
  const draft = offer.payload as unknown as Draft;
  const title = draft.form?.title?.trim();
  return (
    <div className="alert alert-warn" role="alert" data-testid="autosave-offer">
      <p>
        发现 {fmtTime(offer.savedAt)} 自动保存的未保存内容{title ? `（标题：${title}）` : ''}，比已保存的内容新。
      </p>
      <button type="button" className="btn btn-primary btn-small" onClick={() => onRestore(draft)} data-testid="autosave-restore">
        恢复未保存的内容
      </button>{' '}
      <button type="button" className="btn btn-small" onClick={onDiscard} data-testid="autosave-discard">
        放弃
      </button>
    </div>
  );
}
