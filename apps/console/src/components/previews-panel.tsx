import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { rememberChannels } from '../channels/catalogue';
import { lengthNote, lengthOf } from '../channels/text-length';
import type { AccountPreview, ChannelCapabilities } from '../lib/types';
import { ErrorBanner, fieldLabel } from './error-banner';
import { previewImageName, previewMetaLines } from '../lib/preview-meta';
import { reasonText } from '../lib/error-text';
import { Loading } from './loading';
import { Tabs } from './tabs';

const FRAGMENT_STYLE = `body{font:16px/1.8 "Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:16px;color:#222;word-wrap:break-word}
img{max-width:100%;height:auto}h1.pv-title{font-size:22px;line-height:1.4;margin:0 0 8px}.pv-meta{color:#888;font-size:14px;margin:0 0 16px}`;

/** A full page (the portal) is shown as is; a body fragment (a WeChat article) gets a page around it with its title. */
function frameDoc(html: string, meta: Record<string, unknown> | undefined): string {
  if (/^\s*(<!doctype|<html)/i.test(html)) return html;
  const esc = (x: unknown) => String(x ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = meta?.title ? `<h1 class="pv-title">${esc(meta.title)}</h1><p class="pv-meta">${esc(meta.author ?? '')}</p>` : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${FRAGMENT_STYLE}</style></head><body>${head}${html}</body></html>`;
}

/** Crop boxes "x1_y1_x2_y2" (fractions of the image), as WeChat's pic_crop_235_1 / pic_crop_1_1. */
function Crops({ crops, image }: { crops: Record<string, unknown>; image: { contentType: string; base64: string } }) {
  const boxes = Object.entries(crops)
    .map(([k, v]) => {
      const n = String(v).split('_').map(Number);
      return n.length === 4 && n.every((x) => Number.isFinite(x)) ? { k, x1: n[0], y1: n[1], x2: n[2], y2: n[3] } : null;
    })
    .filter(Boolean) as { k: string; x1: number; y1: number; x2: number; y2: number }[];
  if (!boxes.length) return null;
  const url = `data:${image.contentType};base64,${image.base64}`;
  return (
    <div className="crops">
      {boxes.map((b) => {
        const w = b.x2 - b.x1;
        const h = b.y2 - b.y1;
        const ratio = /235/.test(b.k) ? '2.35 / 1' : /1_1$/.test(b.k) ? '1 / 1' : `${w} / ${h}`;
        return (
          <figure key={b.k}>
            <div
              className="crop-box"
              role="img"
              aria-label={`封面按 ${ratio.replace(' / ', ':')} 裁切后的效果`}
              style={{
                aspectRatio: ratio,
                backgroundImage: `url(${url})`,
                backgroundSize: `${100 / w}% ${100 / h}%`,
                backgroundPosition: `${w < 1 ? (b.x1 / (1 - w)) * 100 : 0}% ${h < 1 ? (b.y1 / (1 - h)) * 100 : 0}%`,
              }}
            />
            <figcaption>{/235/.test(b.k) ? '消息列表大图（2.35:1）' : /1_1$/.test(b.k) ? '分享卡片小图（1:1）' : b.k}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}

/**
 * Per-channel previews from the server's own renderers (GET /items/:id/previews): the same code the
 * delivery runs, so what the editor sees is what each channel gets. Rendering here is generic: HTML in
 * a sandboxed frame, text with its count, images (covers, LED frames) at their pixel size, metadata.
 */
export function PreviewsPanel({ itemId, version, capabilities }: { itemId: string; version: number; capabilities?: ChannelCapabilities[] }) {
  rememberChannels(capabilities);
  const previews = useAsync(() => api.get<AccountPreview[]>(`/items/${itemId}/previews`), [itemId, version]);
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
              {p.preview.problems?.length ? (
                <span className="tab-warn" aria-label={`${p.preview.problems.length}个问题`}>
                  {' '}
                  ⚠{p.preview.problems.length}
                </span>
              ) : null}
            </>
          ),
        }))}
      >
        <OnePreview p={current} cap={capabilities?.find((c) => c.type === current.channelType)} />
      </Tabs>
    </div>
  );
}

function OnePreview({ p, cap }: { p: AccountPreview; cap?: ChannelCapabilities }) {
  const pv = p.preview;
  const limit = (pv.meta?.limit as number | undefined) ?? (pv.meta?.maxLength as number | undefined) ?? cap?.limits.textMaxChars;
  const measured =
    typeof pv.meta?.length === 'number'
      ? (pv.meta.length as number)
      : typeof pv.meta?.maxLength === 'number' && typeof pv.meta?.remaining === 'number'
        ? (pv.meta.maxLength as number) - (pv.meta.remaining as number)
        : pv.text
          ? lengthOf(cap?.limits.textLengthRule, pv.text)
          : 0;
  const meta = previewMetaLines(pv.meta, cap);
  return (
    <div className={`preview preview-${p.channelType}`} data-testid={`preview-${p.channelType}`}>
      {pv.problems?.length ? (
        <div className="alert alert-warn" role="alert">
          <strong>该渠道发布前需要处理：</strong>
          <ul>
            {pv.problems.map((x, i) => (
              <li key={i}>{[fieldLabel(x.field), reasonText(x.reason)].filter(Boolean).join('：')}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="ok-line">✓ 符合该渠道要求</p>
      )}
      {/* allow-same-origin without allow-scripts: nothing runs in the frame, but its images (private uploads
          under /api/v1/uploads/) load with the console's SameSite=Strict session cookie, which an opaque origin would not send */}
      {pv.html ? <iframe className="preview-frame" title={`${p.label}预览`} sandbox="allow-same-origin" srcDoc={frameDoc(pv.html, pv.meta)} /> : null}
      {pv.text !== undefined ? (
        <figure className="preview-text-box">
          <pre className="preview-text">{pv.text}</pre>
          <figcaption className={limit && measured > limit ? 'over' : ''}>
            字数 {measured}
            {limit ? ` / ${limit}` : ''}
            {lengthNote(cap?.limits.textLengthRule)}
          </figcaption>
        </figure>
      ) : null}
      {pv.images?.length ? (
        <div className="preview-images">
          {pv.images.map((img, i) => (
            <figure key={i}>
              <img
                src={`data:${img.contentType};base64,${img.base64}`}
                alt={`${p.label}预览图 ${previewImageName(img.name)}`}
                width={img.width && img.width < 200 ? img.width * 3 : undefined}
                className={img.width && img.width < 200 ? 'pixelated' : ''}
              />
              <figcaption>
                {previewImageName(img.name)}
                {img.width ? `（${img.width}×${img.height}）` : ''}
              </figcaption>
            </figure>
          ))}
        </div>
      ) : null}
      {pv.meta?.crops && typeof pv.meta.crops === 'object' && pv.images?.[0] ? (
        <Crops crops={pv.meta.crops as Record<string, unknown>} image={pv.images[0]} />
      ) : null}
      {meta.length ? (
        <dl className="meta-list">
          {meta.map((m, i) => (
            <div key={i}>
              <dt>{m.label}</dt>
              <dd>
                {m.href ? (
                  <a href={m.href} target="_blank" rel="noopener noreferrer">
                    {m.value}
                  </a>
                ) : (
                  m.value
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
