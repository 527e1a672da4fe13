import { useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { wechatModeOf, type WechatPreviewReply } from '../../lib/platform-types';
import type { ChannelAccount, ItemDetail } from '../../lib/types';

/**
 * 手机预览 for a reviewer: the item as a 群发 message sent to one follower's WeChat (mass/preview),
 * only for the item's WeChat targets that send it by 群发. The API checks the role and the target and
 * records the preview in the audit trail.
 */
export function WechatPreview({ item }: { item: ItemDetail }) {
  const accounts = useAsync(() => api.get<ChannelAccount[]>(`/channel-accounts?organisationId=${item.organisationId}`), [item.organisationId]);
  const override = (item.channelOverrides?.wechat as Record<string, unknown> | undefined)?.publishMode;
  const mass = (accounts.data ?? []).filter(
    (a) => a.channelType === 'wechat' && item.targetAccountIds.includes(a.id) && wechatModeOf(a.settings, override) === 'mass',
  );
  const [open, setOpen] = useState(false);
  const [accountId, setAccountId] = useState('');
  const [towxname, setTowxname] = useState('');
  const [sent, setSent] = useState('');
  const chosen = accountId || mass[0]?.id || '';
  const send = useSubmit(async () => {
    setSent('');
    const r = await api.post<WechatPreviewReply>(`/items/${item.id}/wechat-preview`, { accountId: chosen, towxname: towxname.trim() });
    setSent(`已发送预览到微信号 ${r.towxname}，请在手机上查看`);
  });
  if (!mass.length) return null;
  return (
    <section className="card" aria-labelledby="h-wx-preview" data-testid="wechat-preview">
      <h2 id="h-wx-preview">微信手机预览</h2>
      {!open ? (
        <button type="button" className="btn" onClick={() => setOpen(true)} aria-expanded={open}>
          手机预览
        </button>
      ) : (
        <form className="inline-form" onSubmit={send.onSubmit}>
          <label htmlFor="wx-account">公众号</label>
          <select id="wx-account" value={chosen} onChange={(e) => setAccountId(e.target.value)} aria-describedby="wx-account-err">
            {mass.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <label htmlFor="wx-towxname">微信号</label>
          <input
            id="wx-towxname"
            value={towxname}
            onChange={(e) => setTowxname(e.target.value)}
            required
            aria-describedby="wx-towxname-hint wx-towxname-err"
            autoFocus
          />
          <button type="submit" className="btn btn-primary" disabled={send.busy || !towxname.trim()}>
            发送预览
          </button>
          <p className="hint" id="wx-towxname-hint">
            该微信号须已关注所选公众号；预览只发给这一个人，不计入群发次数。
          </p>
          <FieldError error={send.error} field="accountId" id="wx-account-err" />
          <FieldError error={send.error} field="towxname" id="wx-towxname-err" />
        </form>
      )}
      <ErrorBanner error={send.error ?? accounts.error} fieldsShown={['accountId', 'towxname']} />
      {sent ? (
        <p className="alert alert-ok" role="status" data-testid="wechat-preview-sent">
          {sent}
        </p>
      ) : null}
    </section>
  );
}
