import { useEffect, useRef, useState } from 'react';
import { API } from '../../lib/api';
import type { DeliveryChange } from './monitor-types';

/**
 * Live delivery changes over server-sent events (GET /deliveries/events; EventSource cannot send
 * headers, and needs none: the session cookie goes along). `onChange` gets each change at once; `onResync` is called
 * (coalesced) when changes may have been missed or after a burst, to refetch. Falls back to polling
 * when the stream is down.
 */
export function useDeliveryStream(onChange: (c: DeliveryChange) => void, onResync: () => void): 'live' | 'connecting' | 'polling' {
  const [mode, setMode] = useState<'live' | 'connecting' | 'polling'>('connecting');
  const change = useRef(onChange);
  const resync = useRef(onResync);
  change.current = onChange;
  resync.current = onResync;
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setMode('polling');
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        resync.current();
      }, 400);
    };
    const es = new EventSource(`${API}/deliveries/events`, { withCredentials: true });
    es.addEventListener('ready', () => setMode('live'));
    es.addEventListener('delivery', (e) => {
      try {
        change.current(JSON.parse((e as MessageEvent).data));
      } catch {
        /* malformed event: the resync below covers it */
      }
      later();
    });
    es.addEventListener('resync', later);
    es.onerror = () => setMode(es.readyState === EventSource.CLOSED ? 'polling' : 'connecting');
    return () => {
      es.close();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return mode;
}
