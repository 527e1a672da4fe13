/**
 * Typed work kept across the end of a session (issue 15.2). The server-side autosave needs a session,
 * so when a call answers 401 the pages that hold unsaved work (the editor) hand it over here, before
 * the console sends the user to sign in; it is written to this tab's sessionStorage (localStorage when
 * that is full or refused), under the page's path and the user's id. After signing in again the
 * console returns to that path and the page takes the work back (only for the same user).
 */
export interface KeptWork<T = unknown> {
  path: string;
  userId: string;
  keptAt: string;
  payload: T;
}

type Keeper = () => KeptWork | null;

const PREFIX = 'gd-kept-work:';
const keepers = new Set<Keeper>();

/** A page registers what it would lose; returns the unregistering function (for an effect's cleanup). */
export function registerKeeper(keeper: Keeper): () => void {
  keepers.add(keeper);
  return () => {
    keepers.delete(keeper);
  };
}

function stores(): Storage[] {
  const out: Storage[] = [];
  try {
    out.push(window.sessionStorage);
  } catch {
    /* storage refused (privacy settings) */
  }
  try {
    out.push(window.localStorage);
  } catch {
    /* as above */
  }
  return out;
}

/** Called when the session has ended: every registered page's work is written down now. */
export function keepWorkNow(): void {
  for (const keep of keepers) {
    let work: KeptWork | null;
    try {
      work = keep();
    } catch {
      work = null;
    }
    if (!work) continue;
    const text = JSON.stringify(work);
    for (const s of stores()) {
      try {
        s.setItem(PREFIX + work.path, text);
        break; // kept: the fallback store is only for when this one refuses
      } catch {
        /* full: try the next store */
      }
    }
  }
}

function read(path: string): { store: Storage; work: KeptWork } | null {
  for (const store of stores()) {
    const text = store.getItem(PREFIX + path);
    if (!text) continue;
    try {
      return { store, work: JSON.parse(text) as KeptWork };
    } catch {
      store.removeItem(PREFIX + path);
    }
  }
  return null;
}

/** Whether work is waiting for this path (the sign-in page says so). */
export function hasKeptWork(path: string | undefined): boolean {
  return !!path && !!read(path);
}

/** The work kept for `path` by `userId`, removed from storage; another user's stays where it is. */
export function takeKeptWork<T>(path: string, userId: string): KeptWork<T> | null {
  const found = read(path);
  if (!found || found.work.userId !== userId) return null;
  found.store.removeItem(PREFIX + path);
  return found.work as KeptWork<T>;
}
