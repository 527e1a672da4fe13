import { ApiError } from '../lib/api';
import { channelLabel, overrideFieldLabel } from '../channels/catalogue';
import { FIELD_LABELS } from '../lib/labels';
import { reasonText } from '../lib/error-text';

/**
 * The API's Chinese message and its field reasons (each field in words), announced to screen readers.
 * The error code is kept out of the text (data-code, for support); `labelOf` names the fields of a page
 * the shared labels do not know (a report's cells, a lexicon's entries).
 */
export function ErrorBanner({ error, fieldsShown = [], labelOf }: { error: unknown; fieldsShown?: string[]; labelOf?: (field: string) => string | undefined }) {
  if (!error) return null;
  const e = error as ApiError;
  const details = (e.details ?? []).filter((d) => !fieldsShown.some((f) => d.field === f || d.field.startsWith(f + '.')));
  return (
    <div className="alert alert-error" role="alert" data-testid="error-banner" data-code={e.code}>
      <strong>{messageText(e, details.length > 0)}</strong>
      {details.length ? (
        <ul>
          {details.map((d, i) => (
            <li key={i} title={d.reason === reasonText(d.reason) ? undefined : d.reason}>
              {withLabel(labelOf?.(d.field) ?? fieldLabel(d.field), reasonText(d.reason))}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A field path of the API (title, channels.wechat.title, channelOverrides.led.to, attachments.0#text) in words. */
export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  // channels.<type>.<field> (submit-time problems) and channelOverrides.<type>.<key>: words from the channel's descriptor
  const m = /^(?:channels\.[^.]+\.)?channelOverrides\.([^.]+)\.(.+)$/.exec(field) ?? /^channels\.([^.]+)\.(.+)$/.exec(field);
  if (m) {
    const key = m[2].replace(/\W.*$/, '');
    return `${channelLabel(m[1]) ?? '渠道'} · ${FIELD_LABELS[m[2]] ?? overrideFieldLabel(m[1], key) ?? FIELD_LABELS[key] ?? '渠道设置'}`;
  }
  const a = /^attachments\.(\d+)(.*)$/.exec(field);
  if (a) return `附件${Number(a[1]) + 1}${/text/.test(a[2]) ? '（内容）' : /name/.test(a[2]) ? '（名称）' : ''}`;
  // a path the console has no words for is named by its first part, or not at all (never by the path)
  return FIELD_LABELS[field.split(/[.[#]/)[0]] ?? '';
}

function withLabel(label: string, reason: string): string {
  return label ? `${label}：${reason}` : reason;
}

/**
 * The API's message. A refused input is summed up here (the server's message repeats its first field
 * by path; the fields follow in words); an id at the end of a 不存在 message is left out; a message
 * from elsewhere (a proxy, the browser) that is not in Chinese becomes words.
 */
export function messageText(e: Pick<ApiError, 'message' | 'code'>, listed = false): string {
  const m = e.message;
  if (e.code === 'VALIDATION_FAILED') return listed ? '输入有误，请按下列提示修改' : '输入有误，请检查后重试';
  if (!m) return '操作失败';
  if (!/[\u3400-\u9fff]/.test(m)) return '操作失败，请稍后重试；如仍失败，请联系系统管理员';
  return m.replace(/：[0-9a-f]{8}-[0-9a-f-]{27}$/i, '');
}

/** Reasons the API gave for one field, shown under the input and linked by aria-describedby. */
export function FieldError({ error, field, id }: { error: unknown; field: string; id: string }) {
  const e = error as ApiError | undefined;
  const reasons = e && typeof e.forField === 'function' ? e.forField(field) : [];
  if (!reasons.length) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {reasons.map(reasonText).join('；')}
    </p>
  );
}
