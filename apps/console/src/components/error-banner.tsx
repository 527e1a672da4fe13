import { ApiError } from '../lib/api';
import { FIELD_LABELS } from '../lib/labels';

/** The API's Chinese message and its field reasons, announced to screen readers. */
export function ErrorBanner({ error, fieldsShown = [] }: { error: unknown; fieldsShown?: string[] }) {
  if (!error) return null;
  const e = error as ApiError;
  const details = (e.details ?? []).filter((d) => !fieldsShown.some((f) => d.field === f || d.field.startsWith(f + '.')));
  return (
    <div className="alert alert-error" role="alert" data-testid="error-banner">
      <strong>{e.message || '操作失败'}</strong>
      {e.code && e.code !== 'NETWORK' ? <span className="muted"> （{e.code}）</span> : null}
      {details.length ? (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {fieldLabel(d.field)}：{d.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const CHANNEL_NAMES: Record<string, string> = { portal: '网站', wechat: '微信', weibo: '微博', gazette: '公报', led: 'LED屏' };
const OVERRIDE_NAMES: Record<string, string> = { title: '标题', digest: '摘要', author: '作者', coverUrl: '封面', text: '文本', section: '栏目', from: '开始时间', to: '结束时间', weekdays: '星期', hours: '时段', priority: '优先级', emergency: '紧急插播', colour: '颜色' };

/** A field path of the API (title, channels.wechat.title, channelOverrides.led.to, attachments.0#text) in words. */
export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const m = /^(?:channels|channelOverrides)\.([^.]+)\.(.+)$/.exec(field);
  if (m) return `${CHANNEL_NAMES[m[1]] ?? m[1]} · ${FIELD_LABELS[m[2]] ?? OVERRIDE_NAMES[m[2].replace(/\W.*$/, '')] ?? m[2]}`;
  const a = /^attachments\.(\d+)(.*)$/.exec(field);
  if (a) return `附件${Number(a[1]) + 1}${/text/.test(a[2]) ? '（内容）' : /name/.test(a[2]) ? '（名称）' : ''}`;
  const head = field.split('.')[0];
  return FIELD_LABELS[head] ? `${FIELD_LABELS[head]}（${field.slice(head.length + 1)}）` : field;
}

/** Reasons the API gave for one field, shown under the input and linked by aria-describedby. */
export function FieldError({ error, field, id }: { error: unknown; field: string; id: string }) {
  const e = error as ApiError | undefined;
  const reasons = e && typeof e.forField === 'function' ? e.forField(field) : [];
  if (!reasons.length) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {reasons.join('；')}
    </p>
  );
}
