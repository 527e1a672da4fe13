import { DependencyList, Dispatch, SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

export interface Async<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload(): Promise<void>;
  /** A value, or an updater of the latest value (use that from event streams, where renders lag). */
  setData: Dispatch<SetStateAction<T | undefined>>;
}

/**
 * Loads on mount and when deps change; stale responses (deps changed meanwhile) are dropped. `reload()`
 * settles once the page holds the newest load's answer: when a newer load started meanwhile (a save that
 * also changed the deps), it waits for that one too, so "saved" is never said beside the old rows.
 */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): Async<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const newest = useRef<Promise<void>>(Promise.resolve());
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const n = ++seq.current;
    setLoading(true);
    const mine = (async () => {
      try {
        const v = await run();
        if (n === seq.current) {
          setData(v);
          setError(undefined);
        }
      } catch (e) {
        if (n === seq.current) setError(e as Error);
      } finally {
        if (n === seq.current) setLoading(false);
      }
    })();
    newest.current = mine;
    for (let waited: Promise<void> | undefined; waited !== newest.current;) {
      waited = newest.current;
      await waited;
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

export interface Submit<A extends unknown[]> {
  /** Runs the action; true when it succeeded, false when it failed (see `error`) or another run was still busy. Never rejects. */
  run(...args: A): Promise<boolean>;
  /** For `<form onSubmit>` (an action without arguments): prevents the browser's own submit, then runs. */
  onSubmit: A extends [] ? (e?: { preventDefault(): void }) => void : never;
  /** What the last run threw (an ApiError, or an Error from the code); cleared when the next run starts. */
  error: ApiError | Error | undefined;
  setError: Dispatch<SetStateAction<ApiError | Error | undefined>>;
  /** True from the start of a run until its action settles, including whatever the action awaits after the request. */
  busy: boolean;
}

/**
 * A user's action against the API (a form's submit, a button): clears the last error, runs, keeps what
 * it threw in `error` for ErrorBanner / FieldError. A second run while one is busy is refused (a
 * double click sends one request). The action is read when the run starts, so it may close over the
 * render's form state: the latest render's action is the one that runs.
 */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<unknown>): Submit<A> {
  const latest = useRef(action);
  latest.current = action;
  // A ref, not the state: two clicks in one frame both see the state from before the first.
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error>();
  const run = useCallback(async (...args: A) => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await latest.current(...args);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  const onSubmit = useCallback(
    (e?: { preventDefault(): void }) => {
      e?.preventDefault();
      void run(...([] as unknown[] as A));
    },
    [run],
  );
  return { run, onSubmit: onSubmit as Submit<A>['onSubmit'], error, setError, busy };
}

/** Sets the document title and returns a ref to focus the page heading after navigation (screen readers). */
export function usePageTitle(title: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · 政务公开`;
    ref.current?.focus();
  }, [title]);
  return ref;
}

/** Runs `fn` every `ms` while the tab is visible. */
export function useInterval(fn: () => void, ms: number | null) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (ms === null) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    return () => clearInterval(t);
  }, [ms]);
}
