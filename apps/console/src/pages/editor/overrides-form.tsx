import { useState } from 'react';
import { fromBeijingInput, toBeijingInput } from '../../lib/beijing-time';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { ApiError, upload } from '../../lib/api';
import { charCount, weiboLength } from '../../lib/text';
import type { ChannelAccount, ChannelCapabilities, ChannelOverrides } from '../../lib/types';
import { OVERRIDE_FIELDS, OverrideField } from './override-fields';

/** One fieldset per selected channel type that has overrides (WeChat title/digest/cover, Weibo text, LED, gazette). */
export function OverridesForm({ types, capabilities, accounts, value, onChange, error }: { types: string[]; capabilities: ChannelCapabilities[]; accounts: ChannelAccount[]; value: ChannelOverrides; onChange(v: ChannelOverrides): void; error: unknown }) {
  const shown = types.filter((t) => OVERRIDE_FIELDS[t]);
  if (!shown.length) return <p className="muted">所选渠道没有需要单独设置的内容。</p>;
  const set = (type: string, key: string, v: unknown) => {
    const cur = { ...(value[type] ?? {}) };
    if (v === '' || v === undefined || v === null || v === false || (Array.isArray(v) && !v.length)) delete cur[key];
    else cur[key] = v;
    const next = { ...value, [type]: cur };
    if (!Object.keys(cur).length) delete next[type];
    onChange(next);
  };
  return (
    <div className="overrides">
      {shown.map((type) => (
        <fieldset key={type} className="override-group" data-testid={`overrides-${type}`}>
          <legend>{capabilities.find((c) => c.type === type)?.label ?? type}</legend>
          {OVERRIDE_FIELDS[type].map((f) => (
            <OverrideInput key={f.key} type={type} f={f} options={optionsFor(f, accounts.filter((a) => a.channelType === type))} value={value[type]?.[f.key]} onChange={(v) => set(type, f.key, v)} error={error} />
          ))}
        </fieldset>
      ))}
    </div>
  );
}

function optionsFor(f: OverrideField, accounts: ChannelAccount[]): string[] | undefined {
  if (f.options) return f.options;
  if (f.optionsFromSettings !== 'sections') return undefined;
  const titles = accounts.flatMap((a) => ((a.settings?.sections as { title?: string }[] | undefined) ?? []).map((s) => s.title ?? '')).filter(Boolean);
  return ['', ...new Set(titles)];
}

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

function OverrideInput({ type, f, value, options, onChange, error }: { type: string; f: OverrideField; value: any; options?: string[]; onChange(v: unknown): void; error: unknown }) {
  const id = `ov-${type}-${f.key}`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const path = `channelOverrides.${type}.${f.key}`;
  const describedBy = [f.hint ? hintId : '', errId].filter(Boolean).join(' ');
  const [uploadError, setUploadError] = useState<ApiError>();
  const count = typeof value === 'string' && f.count ? (f.count === 'weibo' ? weiboLength(value) : charCount(value)) : 0;
  const counter =
    f.max && f.count ? (
      <span className={`counter ${count > f.max ? 'over' : ''}`} aria-live="polite" data-testid={`${id}-count`}>
        {count} / {f.max}
      </span>
    ) : null;
  let input;
  switch (f.type) {
    case 'textarea':
      input = <textarea id={id} rows={3} value={value ?? ''} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} aria-invalid={f.max ? count > f.max : undefined} />;
      break;
    case 'number':
      input = <input id={id} type="number" min={1} max={9} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} aria-describedby={describedBy} />;
      break;
    case 'datetime':
      input = <input id={id} type="datetime-local" value={value ? toBeijingInput(value) : ''} onChange={(e) => onChange(e.target.value ? fromBeijingInput(e.target.value) : undefined)} aria-describedby={describedBy} />;
      break;
    case 'checkbox':
      return (
        <div className="field-inline">
          <input id={id} type="checkbox" checked={!!value} onChange={(e) => onChange(e.target.checked)} aria-describedby={errId} />
          <label htmlFor={id}>{f.label}</label>
          <FieldError error={error} field={path} id={errId} />
        </div>
      );
    case 'weekdays': {
      const days: number[] = Array.isArray(value) ? value : [];
      return (
        <fieldset className="field weekdays" aria-describedby={describedBy}>
          <legend className="label">{f.label}</legend>
          <div className="inline-form">
            {WEEKDAYS.map((d, i) => (
              <span key={d} className="field-inline">
                <input id={`${id}-${i + 1}`} type="checkbox" checked={days.includes(i + 1)} onChange={(e) => onChange(e.target.checked ? [...days, i + 1].sort() : days.filter((x) => x !== i + 1))} />
                <label htmlFor={`${id}-${i + 1}`}>周{d}</label>
              </span>
            ))}
          </div>
          {f.hint ? (
            <p className="hint" id={hintId}>
              {f.hint}
            </p>
          ) : null}
          <FieldError error={error} field={path} id={errId} />
        </fieldset>
      );
    }
    case 'hours':
      input = <HoursInput id={id} value={value} onChange={onChange} describedBy={describedBy} />;
      break;
    case 'select':
      input = (
        <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy}>
          {(options ?? ['']).map((o) => (
            <option key={o} value={o}>
              {f.optionLabels?.[o] ?? (o || '（自动）')}
            </option>
          ))}
        </select>
      );
      break;
    case 'image':
      input = (
        <div className="image-field">
          {value ? <img src={value} alt="封面预览" className="thumb" /> : null}
          <input
            id={id}
            type="file"
            accept="image/jpeg,image/png,image/gif,image/webp"
            aria-describedby={describedBy}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              setUploadError(undefined);
              try {
                onChange((await upload(file, 'image')).url);
              } catch (err) {
                setUploadError(err as ApiError);
              }
            }}
          />
          {value ? (
            <button type="button" className="btn btn-small" onClick={() => onChange(undefined)}>
              移除封面
            </button>
          ) : null}
          <ErrorBanner error={uploadError} />
        </div>
      );
      break;
    default:
      input = <input id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} aria-invalid={f.max ? count > f.max : undefined} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {f.label} {counter}
      </label>
      {input}
      {f.hint ? (
        <p className="hint" id={hintId}>
          {f.hint}
        </p>
      ) : null}
      <FieldError error={error} field={path} id={errId} />
      <FieldError error={error} field={`channels.${type}.${f.key}`} id={`${errId}-ch`} />
    </div>
  );
}

/** "08:30-12:00, 14:30-17:30" ⇄ [{start, end}]; kept as typed until it parses. */
function HoursInput({ id, value, onChange, describedBy }: { id: string; value: any; onChange(v: unknown): void; describedBy: string }) {
  const show = (v: any) => (Array.isArray(v) ? v.map((h: { start: string; end: string }) => `${h.start}-${h.end}`).join(', ') : '');
  const [text, setText] = useState(show(value));
  const [bad, setBad] = useState(false);
  return (
    <input
      id={id}
      value={text}
      aria-describedby={describedBy}
      aria-invalid={bad}
      placeholder="08:30-12:00, 14:30-17:30"
      onChange={(e) => {
        setText(e.target.value);
        const parts = e.target.value.split(/[,，;；\s]+/).filter(Boolean);
        const spans = parts.map((p) => /^(\d{1,2}:\d{2})[-–~至](\d{1,2}:\d{2})$/.exec(p));
        const ok = spans.every(Boolean);
        setBad(!ok);
        if (ok) onChange(spans.map((m) => ({ start: m![1], end: m![2] })));
      }}
    />
  );
}
