import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api';
import type { AutosaveDetail, AutosaveRecord } from '../../../../api/src/items/item-autosave.types';
import type { Jsonified } from '../../lib/types';
import { type Draft, draftHasContent } from './editor-form';

/** How long after the last change the draft is saved (a pause in typing). */
const AUTOSAVE_DELAY_MS = 2500;

export type AutosaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'failed'; error: ApiError };

/** The autosave key of an item (an existing one by id; `new` for one not created yet). */
export const autosaveKey = (itemId: string | undefined) => (itemId ? `item-${itemId}` : 'new');

/**
 * Saves unsaved work to the user's autosave store (PUT autosaves/:key, issue 15.2): a pause in typing
 * after the last change, and at once when a field loses focus (`flush` as the form's onBlur) or the
 * tab is hidden. Only while there are unsaved changes, only what changed since the last save; one
 * request at a time. Autosave writes no item, version or audit row and never submits.
 */
export function useAutosave(key: string, draft: Draft | null, dirty: boolean, enabled: boolean) {
  const [state, setState] = useState<AutosaveState>({ kind: 'idle' });
  const text = useMemo(() => (draft && dirty && enabled ? JSON.stringify(draft) : ''), [draft, dirty, enabled]);
  const latest = useRef({ key, text });
  latest.current = { key, text };
  const timer = useRef<number | undefined>(undefined);
  const inflight = useRef<Promise<unknown>>(Promise.resolve());
  const sent = useRef('');

  const flush = useCallback((): Promise<unknown> => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    const { key: k, text: t } = latest.current;
    if (!t || t === sent.current) return inflight.current;
    sent.current = t;
    setState({ kind: 'saving' });
    const run = inflight.current
      .catch(() => undefined)
      .then(() => api.put<Jsonified<AutosaveRecord>>(`/autosaves/${k}`, { payload: JSON.parse(t) }))
      .then((r) => setState({ kind: 'saved', at: r.savedAt }))
      .catch((e: ApiError) => {
        sent.current = '';
        setState({ kind: 'failed', error: e });
      });
    inflight.current = run;
    return run;
  }, []);

  useEffect(() => {
    if (!text) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
  }, [text, flush]);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.clearTimeout(timer.current);
    };
  }, [flush]);

  /** Drops the autosave of `k` (after a real save, or when the editor discards it): waits for a save under way first. */
  const drop = useCallback(async (k: string = latest.current.key) => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    await inflight.current.catch(() => undefined);
    sent.current = '';
    setState({ kind: 'idle' });
    await api.del(`/autosaves/${k}`).catch(() => undefined);
  }, []);

  return { state, flush, drop };
}

/**
 * An autosave newer than what the editor opened (an existing item: saved after the item's last
 * change, and different from it; a new item: anything typed), offered back once the form is ready.
 * A stale or identical one is dropped without asking.
 */
export function useAutosaveOffer(key: string, ready: boolean, current: Draft | null, skip: { current: boolean }) {
  const [offer, setOffer] = useState<Jsonified<AutosaveDetail> | null>(null);
  const asked = useRef('');
  const currentRef = useRef(current);
  currentRef.current = current;
  useEffect(() => {
    if (!ready || skip.current || asked.current === key) return;
    asked.current = key;
    api
      .get<Jsonified<AutosaveDetail>>(`/autosaves/${key}`)
      .then((a) => {
        if (asked.current !== key) return; // the editor moved on to another item meanwhile
        const saved = a.payload as unknown as Draft;
        const base = currentRef.current;
        const newer = !base?.baseUpdatedAt || new Date(a.savedAt) > new Date(base.baseUpdatedAt);
        const differs = JSON.stringify(saved.form) !== JSON.stringify(base?.form);
        if (newer && differs && draftHasContent(saved)) setOffer(a);
        else void api.del(`/autosaves/${key}`).catch(() => undefined);
      })
      .catch(() => undefined); // none (404): nothing to offer
  }, [key, ready, skip]); // skip: a ref, read when the form is ready
  return { offer, close: () => setOffer(null) };
}
