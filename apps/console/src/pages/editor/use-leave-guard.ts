import { type MutableRefObject, useEffect, useRef } from 'react';
import { registerKeeper, takeKeptWork } from '../../lib/kept-work';
import type { Draft } from './editor-form';

export const LEAVE_QUESTION = '有未保存的修改，离开此页将丢失这些修改（自动保存的内容下次打开时可恢复）。确定离开吗？';

const here = () => window.location.pathname + window.location.search;

/**
 * Warns before leaving a page with unsaved changes (issue 15.2): closing or reloading the tab asks
 * the browser's own question (beforeunload), and following a link of the console to another page asks
 * for a confirmation first. The console's router has no blocker of its own (BrowserRouter), so links
 * are caught on their way down (a capture listener on the document, before React's handlers).
 */
export function useLeaveGuard(dirty: boolean): void {
  const ref = useRef(dirty);
  ref.current = dirty;
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!ref.current) return;
      e.preventDefault();
      e.returnValue = ''; // older Chromium asks only when returnValue is set
    };
    const onClick = (e: MouseEvent) => {
      if (!ref.current || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download') || (a.getAttribute('href') ?? '').startsWith('#')) return;
      const url = new URL(a.href, window.location.href);
      // another site: the browser's beforeunload question covers it
      if (url.origin !== window.location.origin || url.pathname + url.search === here()) return;
      if (!window.confirm(LEAVE_QUESTION)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, []);
}

/**
 * While the editor is open, its unsaved draft is handed to kept-work when the session ends (a call
 * answered 401), so signing in again brings it back (useRestoreKeptWork).
 */
export function useSessionKeeper(userId: string | undefined, dirty: boolean, draft: Draft | null): void {
  const ref = useRef({ userId, dirty, draft });
  ref.current = { userId, dirty, draft };
  useEffect(
    () =>
      registerKeeper(() => {
        const { userId: uid, dirty: changed, draft: d } = ref.current;
        return uid && changed && d ? { path: here(), userId: uid, keptAt: new Date().toISOString(), payload: d } : null;
      }),
    [],
  );
}

/**
 * Once the editor's form is ready, takes back the draft kept when the session ended on this page (same
 * user only) and applies it. The returned ref is true from then on (read it, not a render's value:
 * the autosave offer, decided in the same commit, must not offer an older draft over it).
 */
export function useRestoreKeptWork(ready: boolean, userId: string | undefined, apply: (d: Draft, keptAt: string) => void): MutableRefObject<boolean> {
  const restored = useRef(false);
  const done = useRef('');
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    if (!ready || !userId || done.current === here()) return;
    done.current = here();
    const kept = takeKeptWork<Draft>(here(), userId);
    if (!kept?.payload?.form) return;
    restored.current = true;
    applyRef.current(kept.payload, kept.keptAt);
  }, [ready, userId]);
  return restored;
}
