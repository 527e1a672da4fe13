import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { charCount, weiboLength } from '../lib/text';
import type { ChannelCapabilities, ChannelPreview } from '../lib/types';
import { ErrorBanner, fieldLabel } from './error-banner';
import { Loading } from './loading';
import { Tabs } from './tabs';

const META_LABELS: Record<string, string> = {
  url: '网页地址',
  length: '字数',
  limit: '字数上限',
  weiboLength: '微博字数',
  title: '标题',
  digest: '摘要',
  author: '作者',
  section: '公报栏目',
  issue: '期次',
  position: '位置',
  screens: '显示屏',
  frames: '帧数',
  window: '显示时段',
  priority: '优先级',
  emergency: '紧急插播',
  contentSourceUrl: '阅读原文链接',
  cover: '封面',
};

/**
 * Per-channel previews from the server's own renderers (GET /items/:id/previews): the same code the
 * delivery runs, so what the editor sees is what each channel gets. Rendering here is generic: HTML in
 * a sandboxed frame, text with its count, images (covers, LED frames) at their pixel size, metadata.
 */
export function PreviewsPanel({ itemId, version, capabilities }: { itemId: string; version: number; capabilities?: ChannelCapabilities[] }) {
  const previews = useAsync(() => api.get<ChannelPreview[]>(`/items/${itemId}/previews`), [itemId, version]);
  const [active, setActive] = useState('');
  const list = previews.data ?? [];
  useEffect(() => {
    if (list.length && !list.some((p) => p.accountId === active)) setActive(list[0].accountId);
  }, [list, active]);
  if (previews.loading && !previews.data) return <Loading what="渠道预览" />;
  if (previews.error) return <ErrorBanner error={previews.error} />;
  if (!list.length) return <p className="muted">尚未选择发布渠道，选择并保存后可预览各渠道效果。</p>;
  const current = list.find((p) => p.accountId === active) ?? list[0];
  return (
    <div className="previews" data-testid="previews" aria-busy={previews.loading}>
      <Tabs
        label="渠道预览"
        active={current.accountId}
        onChange={setActive}
        tabs={list.map((p) => ({
          key: p.accountId,
          label: (
            <>
              {p.label} · {p.accountName}
              {p.preview.problems?.length ? <span className="tab-warn" aria-label={`${p.preview.problems.length}个问题`}> ⚠{p.preview.problems.length}</span> : null}
            </>
          ),
        }))}
      >
        <OnePreview p={current} cap={capabilities?.find((c) => c.type === current.channelType)} />
      </Tabs>
    </div>
  );
}

function OnePreview({ p, cap }: { p: ChannelPreview; cap?: ChannelCapabilities }) {
  const pv = p.preview;
  const limit = (pv.meta?.limit as number | undefined) ?? cap?.limits.textMaxChars;
  const measured = typeof pv.meta?.length === 'number' ? (pv.meta.length as number) : pv.text ? (cap?.reportRow === 'weibo' ? weiboLength(pv.text) : charCount(pv.text)) : 0;
  const meta = Object.entries(pv.meta ?? {}).filter(([k]) => k !== 'length' && k !== 'limit');
  return (
    <div className={`preview preview-${p.channelType}`} data-testid={`preview-${p.channelType}`}>
      {pv.problems?.length ? (
        <div className="alert alert-warn" role="alert">
          <strong>该渠道发布前需要处理：</strong>
          <ul>
            {pv.problems.map((x, i) => (
              <li key={i}>
                {fieldLabel(x.field)}：{x.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="ok-line">✓ 符合该渠道要求</p>
      )}
      {pv.html ? <iframe className="preview-frame" title={`${p.label}预览`} sandbox="" srcDoc={pv.html} loading="lazy" /> : null}
      {pv.text !== undefined ? (
        <figure className="preview-text-box">
          <pre className="preview-text">{pv.text}</pre>
          <figcaption className={limit && measured > limit ? 'over' : ''}>
            字数 {measured}
            {limit ? ` / ${limit}` : ''}
            {cap?.reportRow === 'weibo' ? '（汉字计1，两个英文字符计1）' : ''}
          </figcaption>
        </figure>
      ) : null}
      {pv.images?.length ? (
        <div className="preview-images">
          {pv.images.map((img, i) => (
            <figure key={i}>
              <img
                src={`data:${img.contentType};base64,${img.base64}`}
                alt={`${p.label}预览图 ${img.name}`}
                width={img.width && img.width < 200 ? img.width * 3 : undefined}
                className={img.width && img.width < 200 ? 'pixelated' : ''}
              />
              <figcaption>
                {img.name}
                {img.width ? `（${img.width}×${img.height}）` : ''}
              </figcaption>
            </figure>
          ))}
        </div>
      ) : null}
      {meta.length ? (
        <dl className="meta-list">
          {meta.map(([k, v]) => (
            <div key={k}>
              <dt>{META_LABELS[k] ?? k}</dt>
              <dd>{renderValue(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

function renderValue(v: unknown) {
  if (typeof v === 'string' && /^https?:\/\//.test(v)) {
    return (
      <a href={v} target="_blank" rel="noopener noreferrer">
        {v}
      </a>
    );
  }
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return <code className="json">{JSON.stringify(v)}</code>;
  return String(v);
}
