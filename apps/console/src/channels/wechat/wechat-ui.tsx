import type { ChannelUi } from '../channel-ui.types';
import { WechatAccountNote } from './account-note';
import { MassQuotaLines, MassQuotaProblems, useMassQuotas } from './mass-quota';
import { WechatPreview } from './wechat-preview';

/** WeChat's own console parts: the callback warning, the 群发 quota in the editor, the phone preview for a reviewer. */
export const WECHAT_UI: ChannelUi = {
  AccountNote: WechatAccountNote,
  useEditorNotes({ accounts, selected, overrides }) {
    const quotas = useMassQuotas(accounts, selected, overrides);
    return { lines: <MassQuotaLines quotas={quotas} />, problems: <MassQuotaProblems quotas={quotas} /> };
  },
  ItemPanel: WechatPreview,
};
