import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import type { WorkCounts } from '../../../api/src/notifications/work-counts.types';
import { api } from './api';
import { useInterval } from './hooks';

export type { WorkCounts };

const EVENT = 'gd:work-changed';
/** How often the navigation's counts are asked for while the page is visible. */
export const WORK_COUNTS_REFRESH_MS = 30_000;

/** Tells the navigation that the user just changed waiting work (approved, rejected, retried, read a notification). */
export function refreshWorkCounts(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** The waiting-work counts (GET me/work-counts), asked again on every navigation, every half minute and after the user's own actions. */
export function useWorkCounts(enabled: boolean): WorkCounts | null {
  const [counts, setCounts] = useState<WorkCounts | null>(null);
  const loc = useLocation();
  const load = useCallback(() => {
    if (!enabled) return;
    api.get<WorkCounts>('/me/work-counts').then(setCounts, () => undefined);
  }, [enabled]);
  useEffect(load, [load, loc.pathname, loc.search]);
  useEffect(() => {
    window.addEventListener(EVENT, load);
    return () => window.removeEventListener(EVENT, load);
  }, [load]);
  useInterval(load, enabled ? WORK_COUNTS_REFRESH_MS : null);
  return counts;
}
