import { KeyboardEvent, ReactNode, useId, useRef } from 'react';

export interface TabDef {
  key: string;
  label: ReactNode;
}

/** WAI-ARIA tabs: arrow keys move between tabs, Home/End jump; the panel is labelled by its tab. */
export function Tabs({
  tabs,
  active,
  onChange,
  children,
  label,
}: {
  tabs: TabDef[];
  active: string;
  onChange(k: string): void;
  children: ReactNode;
  label: string;
}) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const idx = Math.max(
    0,
    tabs.findIndex((t) => t.key === active),
  );
  const onKey = (e: KeyboardEvent) => {
    let n: number;
    if (e.key === 'ArrowRight') n = (idx + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') n = (idx - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = tabs.length - 1;
    else return;
    e.preventDefault();
    onChange(tabs[n].key);
    refs.current[n]?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((t, i) => (
          <button
            key={t.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            type="button"
            id={`${base}-tab-${i}`}
            aria-selected={i === idx}
            aria-controls={`${base}-panel`}
            tabIndex={i === idx ? 0 : -1}
            onClick={() => onChange(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${idx}`} tabIndex={0} className="tabpanel">
        {children}
      </div>
    </div>
  );
}
