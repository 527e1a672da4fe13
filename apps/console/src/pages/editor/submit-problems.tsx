import type { ApiError } from '../../lib/api';
import { fieldLabel } from '../../components/error-banner';
import { FIELD_LABELS } from '../../lib/labels';

/** The editor's element for a problem's field (looked up when the link is followed: sections come and go). */
function targetOf(field: string): HTMLElement | null {
  const byId = (id: string) => document.getElementById(id);
  if (field.startsWith('rendition.')) return byId('h-previews');
  if (field.startsWith('bodyHtml')) return document.querySelector<HTMLElement>('[data-testid=body-editor]');
  if (field.startsWith('attachments')) return byId('f-attach');
  if (field === 'targetAccountIds') return document.querySelector<HTMLElement>('.channel-picker input') ?? byId('h-channels');
  const ch = /^(?:channels\.[^.]+\.)?channelOverrides\.([^.]+)\.([\w-]+)/.exec(field) ?? /^channels\.([^.]+)\.([\w-]+)/.exec(field);
  if (ch) return byId(`ov-${ch[1]}-${ch[2]}`) ?? byId(`f-${ch[2]}`) ?? byId('h-channels');
  const head = field.split(/[.#]/)[0];
  return byId(`f-${head}`) ?? byId('h-content');
}

/** A problem's field in words, never a raw path (a finding in a picture's metadata, a channel's rendition…). */
function problemLabel(field: string): string {
  if (field.startsWith('rendition.')) return '渠道发布稿';
  const img = /^bodyHtml\.images\.(\d+)/.exec(field);
  if (img) return `正文图片${Number(img[1]) + 1}`;
  const head = field.split(/[.#]/)[0];
  if (FIELD_LABELS[head] && head !== 'attachments' && !field.startsWith('channelOverrides')) return FIELD_LABELS[head];
  const label = fieldLabel(field);
  return /[A-Za-z]/.test(label) ? (FIELD_LABELS[head] ?? '信息内容') : label;
}

function go(field: string) {
  const el = targetOf(field);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  if (!el.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(el.tagName) && !el.isContentEditable) el.setAttribute('tabindex', '-1');
  el.focus();
}

/**
 * Every problem a refused submission named, at once (issue 15.3): the item's own, each channel's and
 * the compliance findings that block it, each a link that takes the editor to its field.
 */
export function SubmitProblems({ error }: { error: ApiError }) {
  return (
    <div className="alert alert-error" role="alert" data-testid="submit-problems">
      <strong>{error.message}</strong>
      <ol>
        {error.details.map((d, i) => (
          <li key={i} data-field={d.field}>
            <a
              href={`#${targetOf(d.field)?.id || 'h-content'}`}
              onClick={(e) => {
                e.preventDefault();
                go(d.field);
              }}
            >
              {problemLabel(d.field)}
            </a>
            ：{d.reason}
          </li>
        ))}
      </ol>
    </div>
  );
}
