import { useState, type ReactNode } from 'react';
import type { ChannelField } from '../../../../libs/channels/src/channel-adapter.types';
import { isShown } from '../../../../libs/channels/src/channel-adapter-fields';
import { ErrorBanner, FieldError } from '../components/error-banner';
import { ApiError, upload } from '../lib/api';
import { fromBeijingInput, toBeijingInput } from '../lib/beijing-time';
import { lengthOf } from './text-length';

type Values = Record<string, unknown>;

export interface SchemaFormProps {
  /** Prefix of the input ids: `${id}-${key}`. */
  id: string;
  fields: ChannelField[];
  value: Values;
  onChange(next: Values): void;
  /** The API error whose field problems are shown under the inputs. */
  error?: unknown;
  /** The API's field path of these values: 'settings', 'credentials', 'channelOverrides.<type>'. */
  errorPath: string;
  /** More paths the API may name a field by (submit-time problems: 'channels.<type>'). */
  alsoErrorPaths?: string[];
  /** Credentials: the API never sends them back; `stored` says some are set, so an empty secret keeps the stored one. */
  writeOnly?: { stored: boolean };
  /** Values `showWhen` reads beyond this form (the settings, for a credentials form). */
  context?: Values;
  /** Options read from other data (a gazette's sections, from the chosen accounts' settings). */
  optionsFor?(field: ChannelField): { value: string | number; label: string }[] | undefined;
  /** Heading of the group, if any. */
  legend?: ReactNode;
}

const KEEP_SECRET = '已设置，留空则不修改';

/**
 * A form rendered from a channel's declared fields (ChannelCapabilities.settingsSchema,
 * credentialsSchema, overrideSchema): one labelled input per field, its help and the API's reasons
 * under it, rarely changed fields folded under 高级设置. Keys the schema does not declare are kept as
 * they are. The API validates with the same schema (libs/channels/src/channel-adapter-fields.ts).
 */
export function SchemaForm(p: SchemaFormProps) {
  const shown = p.fields.filter((f) => isShown(f, p.value, p.fields, p.context));
  const set = (key: string, v: unknown) => {
    const next = { ...p.value };
    if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) delete next[key];
    else next[key] = v;
    p.onChange(next);
  };
  const render = (f: ChannelField) => <SchemaInput key={f.key} f={f} p={p} value={p.value[f.key]} onChange={(v) => set(f.key, v)} />;
  const main = shown.filter((f) => !f.advanced);
  const advanced = shown.filter((f) => f.advanced);
  const body = (
    <>
      {main.map(render)}
      {advanced.length ? (
        <details className="advanced-fields" open={advanced.some((f) => p.value[f.key] !== undefined) || undefined}>
          <summary>高级设置</summary>
          {advanced.map(render)}
        </details>
      ) : null}
    </>
  );
  if (p.legend === undefined)
    return (
      <div className="schema-form" data-testid={`${p.id}-form`}>
        {body}
      </div>
    );
  return (
    <fieldset className="schema-form" data-testid={`${p.id}-form`}>
      <legend>{p.legend}</legend>
      {body}
    </fieldset>
  );
}

function SchemaInput({ f, p, value, onChange }: { f: ChannelField; p: SchemaFormProps; value: unknown; onChange(v: unknown): void }) {
  const id = `${p.id}-${f.key}`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const secret = f.type === 'secret';
  const keep = !!p.writeOnly?.stored && value === undefined;
  const help = [f.help, keep ? KEEP_SECRET : ''].filter(Boolean).join('；');
  const describedBy = [help ? hintId : '', errId].filter(Boolean).join(' ');
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const count = typeof value === 'string' && f.maxLength ? lengthOf(f.lengthRule, value) : 0;
  const over = !!f.maxLength && count > f.maxLength;
  const common = { id, 'aria-describedby': describedBy, 'aria-required': f.required || undefined };
  const errors = (
    <>
      <FieldError error={p.error} field={`${p.errorPath}.${f.key}`} id={errId} />
      {(p.alsoErrorPaths ?? []).map((path) => (
        <FieldError key={path} error={p.error} field={`${path}.${f.key}`} id={`${errId}-${path.replace(/\W/g, '')}`} />
      ))}
    </>
  );
  const hint = help ? (
    <p className="hint" id={hintId}>
      {help}
    </p>
  ) : null;
  const label = (
    <>
      {f.label}
      {f.required ? (
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      ) : null}
      {f.maxLength && (f.type === 'text' || f.type === 'string') ? (
        <span className={`counter ${over ? 'over' : ''}`} aria-live="polite" data-testid={`${id}-count`}>
          {' '}
          {count} / {f.maxLength}
        </span>
      ) : null}
    </>
  );
  let input: ReactNode;
  switch (f.type) {
    case 'boolean':
      return (
        <div className="field-inline">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked ? true : undefined)}
            aria-describedby={describedBy}
          />
          <label htmlFor={id}>{f.label}</label>
          {hint}
          {errors}
        </div>
      );
    case 'multiselect': {
      const chosen = Array.isArray(value) ? value : [];
      const opts = p.optionsFor?.(f) ?? f.options ?? [];
      return (
        <fieldset className="field multiselect" aria-describedby={describedBy}>
          <legend className="label">{f.label}</legend>
          <div className="inline-form">
            {opts.map((o, i) => (
              <span key={String(o.value)} className="field-inline">
                <input
                  id={`${id}-${i + 1}`}
                  type="checkbox"
                  checked={chosen.includes(o.value)}
                  onChange={(e) => {
                    const next = e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value);
                    onChange(opts.map((x) => x.value).filter((x) => next.includes(x)));
                  }}
                />
                <label htmlFor={`${id}-${i + 1}`}>{o.label}</label>
              </span>
            ))}
          </div>
          {hint}
          {errors}
        </fieldset>
      );
    }
    case 'select': {
      const opts = p.optionsFor?.(f) ?? f.options ?? [];
      const dflt = opts.find((o) => o.value === f.default)?.label;
      input = (
        <select
          {...common}
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => onChange(opts.find((o) => String(o.value) === e.target.value)?.value ?? undefined)}
        >
          <option value="">{f.emptyLabel ?? (dflt ? `（默认：${dflt}）` : '（未设置）')}</option>
          {opts.map((o) => (
            <option key={String(o.value)} value={String(o.value)}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'number':
      input = (
        <input
          {...common}
          type="number"
          min={f.min}
          max={f.max}
          step={f.integer ? 1 : 'any'}
          value={text}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    case 'text':
      input = <textarea {...common} rows={3} value={text} aria-invalid={over || undefined} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'list':
      input = <ListInput common={common} value={value} onChange={onChange} />;
      break;
    case 'datetime':
      input = (
        <input
          {...common}
          type="datetime-local"
          value={typeof value === 'string' ? toBeijingInput(value) : ''}
          onChange={(e) => onChange(e.target.value ? fromBeijingInput(e.target.value) : undefined)}
        />
      );
      break;
    case 'timeRanges':
      input = <TimeRangesInput common={common} value={value} onChange={onChange} />;
      break;
    case 'image':
      input = <ImageInput common={common} label={f.label} value={typeof value === 'string' ? value : ''} onChange={onChange} />;
      break;
    default:
      input = (
        <input
          {...common}
          type={secret ? 'password' : f.type === 'url' ? 'url' : 'text'}
          autoComplete={secret ? 'new-password' : 'off'}
          placeholder={keep ? KEEP_SECRET : f.default !== undefined ? `默认：${String(f.default)}` : undefined}
          value={text}
          aria-invalid={over || undefined}
          onChange={(e) => onChange(f.alsoInteger && /^\d{1,9}$/.test(e.target.value) ? Number(e.target.value) : e.target.value)}
        />
      );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input}
      {hint}
      {errors}
    </div>
  );
}

type Common = { id: string; 'aria-describedby': string; 'aria-required'?: boolean };

/** One entry per line. */
function ListInput({ common, value, onChange }: { common: Common; value: unknown; onChange(v: unknown): void }) {
  const lines = Array.isArray(value) ? value.map(String).join('\n') : '';
  return (
    <textarea
      {...common}
      rows={3}
      value={lines}
      onChange={(e) =>
        onChange(
          e.target.value
            .split('\n')
            .map((x) => x.trim())
            .filter(Boolean),
        )
      }
    />
  );
}

/** "08:30-12:00, 14:30-17:30" ⇄ [{start, end}]; kept as typed until it parses. */
function TimeRangesInput({ common, value, onChange }: { common: Common; value: unknown; onChange(v: unknown): void }) {
  const show = (v: unknown) => (Array.isArray(v) ? v.map((h: { start: string; end: string }) => `${h.start}-${h.end}`).join(', ') : '');
  const [text, setText] = useState(show(value));
  const [bad, setBad] = useState(false);
  return (
    <input
      {...common}
      value={text}
      aria-invalid={bad}
      placeholder="08:30-12:00, 14:30-17:30"
      onChange={(e) => {
        setText(e.target.value);
        const parts = e.target.value.split(/[,，;；\s]+/).filter(Boolean);
        const spans = parts.map((x) => /^(\d{1,2}:\d{2})[-–~至](\d{1,2}:\d{2})$/.exec(x));
        const ok = spans.every(Boolean);
        setBad(!ok);
        if (ok) onChange(spans.map((m) => ({ start: m![1].padStart(5, '0'), end: m![2].padStart(5, '0') })));
      }}
    />
  );
}

/** An uploaded image (its URL is the value), with a preview and a way to remove it. */
function ImageInput({ common, label, value, onChange }: { common: Common; label: string; value: string; onChange(v: unknown): void }) {
  const [error, setError] = useState<ApiError>();
  return (
    <div className="image-field">
      {value ? <img src={value} alt={`${label}预览`} className="thumb" /> : null}
      <input
        {...common}
        type="file"
        accept="image/jpeg,image/png,image/gif,image/webp"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          setError(undefined);
          try {
            onChange((await upload(file, 'image')).url);
          } catch (err) {
            setError(err as ApiError);
          }
        }}
      />
      {value ? (
        <button type="button" className="btn btn-small" onClick={() => onChange(undefined)}>
          移除{label}
        </button>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}
