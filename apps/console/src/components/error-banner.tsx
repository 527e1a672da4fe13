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

export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const m = /^channels\.([^.]+)\.(.+)$/.exec(field);
  if (m) return `渠道 ${m[1]} · ${FIELD_LABELS[m[2]] ?? m[2]}`;
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
