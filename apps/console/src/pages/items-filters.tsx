import { FormEvent, useState } from 'react';
import { api } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useAsync } from '../lib/hooks';
import { CATEGORIES, KIND_LABELS, KINDS, STATUS_LABELS } from '../lib/labels';
import type { ChannelAccount, ChannelCapabilities } from '../lib/types';

/** The items list's filters as URL parameters (the API's names). */
export const FILTER_KEYS = [
  'q',
  'text',
  'status',
  'view',
  'kind',
  'category',
  'channelType',
  'accountId',
  'createdFrom',
  'createdTo',
  'publishedFrom',
  'publishedTo',
] as const;
export type Filters = Record<(typeof FILTER_KEYS)[number], string>;

export function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

/**
 * 信息查询 (issue 15.3): title / 索引号 / 文号, body text, status, scope, kind, 主题分类, channel
 * (type or account: sent or to be sent there), created and published date ranges. Choices apply at
 * once; typed text and dates apply with 查询.
 */
export function ItemsFilters({ value, onApply }: { value: Filters; onApply(f: Filters): void }) {
  const { can } = useAuth();
  const [draft, setDraft] = useState<Filters>(value);
  // the form follows the URL when it changes underneath (back / forward)
  const [shown, setShown] = useState(value);
  if (JSON.stringify(shown) !== JSON.stringify(value)) {
    setShown(value);
    setDraft(value);
  }
  const channels = useAsync(() => Promise.all([api.get<ChannelCapabilities[]>('/channels'), api.get<ChannelAccount[]>('/channel-accounts')]), []);
  const [caps = [], accounts = []] = channels.data ?? [];
  const set = (k: keyof Filters, v: string, now = false) => {
    const next = { ...draft, [k]: v, ...(k === 'channelType' ? { accountId: '' } : {}) };
    setDraft(next);
    if (now) onApply(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...draft, q: draft.q.trim(), text: draft.text.trim(), category: draft.category.trim() });
  };
  const text = (k: keyof Filters, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`f-${k}`}>{label}</label>
      <input id={`f-${k}`} type={type} value={draft[k]} onChange={(e) => set(k, e.target.value)} list={k === 'category' ? 'filter-categories' : undefined} />
    </div>
  );
  const select = (k: keyof Filters, label: string, options: [string, string][], all = '全部') => (
    <div className="field">
      <label htmlFor={`f-${k}`}>{label}</label>
      <select id={`f-${k}`} value={draft[k]} onChange={(e) => set(k, e.target.value, true)}>
        <option value="">{all}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
  const shownAccounts = accounts.filter((a) => !draft.channelType || a.channelType === draft.channelType);
  return (
    <form className="filters" onSubmit={submit} role="search" aria-label="信息查询">
      {text('q', '标题 / 索引号 / 文号')}
      {text('text', '正文包含')}
      {select('status', '状态', Object.entries(STATUS_LABELS))}
      {select('view', '范围', [['mine', '我撰写的'], ...(can('item.review') ? ([['review', '待我审核']] as [string, string][]) : [])], '我可见的全部')}
      {select(
        'kind',
        '信息类别',
        KINDS.map((k) => [k, KIND_LABELS[k] ?? k]),
      )}
      {text('category', '主题分类')}
      <datalist id="filter-categories">
        {CATEGORIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      {select(
        'channelType',
        '发布渠道',
        caps.map((c) => [c.type, c.label]),
      )}
      {select(
        'accountId',
        '渠道账号',
        shownAccounts.map((a) => [a.id, `${a.name}（${caps.find((c) => c.type === a.channelType)?.label ?? '其他渠道'}）`]),
      )}
      {text('createdFrom', '创建日期从', 'date')}
      {text('createdTo', '创建日期至', 'date')}
      {text('publishedFrom', '发布日期从', 'date')}
      {text('publishedTo', '发布日期至', 'date')}
      <div className="actions">
        <button className="btn btn-primary" type="submit">
          查询
        </button>{' '}
        <button className="btn" type="button" onClick={() => onApply(Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])) as Filters)}>
          清空条件
        </button>
      </div>
    </form>
  );
}
