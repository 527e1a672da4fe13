import { useEffect, useState } from 'react';

/** A JSON object in a textarea, parsed on the fly; `onChange` gets undefined while the text is invalid. */
export function JsonField({
  id,
  label,
  value,
  onChange,
  secret,
  hint,
}: {
  id: string;
  label: string;
  value: Record<string, unknown> | undefined;
  onChange(v: Record<string, unknown> | undefined, valid: boolean): void;
  secret?: boolean;
  hint?: string;
}) {
  const [text, setText] = useState(value ? JSON.stringify(value, null, 2) : '');
  const [bad, setBad] = useState('');
  useEffect(() => {
    if (!secret) setText(value ? JSON.stringify(value, null, 2) : '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={secret ? 3 : 5}
        className={`mono ${secret ? 'secret' : ''}`}
        spellCheck={false}
        autoComplete="off"
        value={text}
        aria-invalid={!!bad}
        aria-describedby={`${id}-hint ${id}-err`}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setBad('');
            onChange(undefined, true);
            return;
          }
          try {
            const v = JSON.parse(e.target.value);
            if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('须为花括号括起的一组设置项');
            setBad('');
            onChange(v, true);
          } catch (err) {
            // the parser's own words are English: say what to check instead
            setBad(/花括号/.test((err as Error).message) ? (err as Error).message : '请检查括号、引号和逗号是否成对、完整');
            onChange(undefined, false);
          }
        }}
      />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {bad ? (
        <p className="field-error" id={`${id}-err`}>
          格式有误：{bad}
        </p>
      ) : null}
    </div>
  );
}
