import { useEffect } from 'react';
import { api } from '../lib/api';
import type { ChannelCapabilities } from '../lib/types';

/**
 * What the console has learnt of the channels from GET /channels, for code that has no capabilities at
 * hand (the error banner naming a field `channelOverrides.<type>.<key>`). Filled wherever the
 * capabilities arrive; empty, it answers with the raw names.
 */
const labels = new Map<string, string>();
const fieldLabels = new Map<string, string>();

export function rememberChannels(caps: readonly ChannelCapabilities[] | undefined): void {
  for (const c of caps ?? []) {
    labels.set(c.type, c.label);
    for (const f of c.overrideSchema ?? []) fieldLabels.set(`${c.type}.${f.key}`, f.label);
  }
}

export function channelLabel(type: string): string | undefined {
  return labels.get(type);
}

/** The label of a channel's per-item field. */
export function overrideFieldLabel(type: string, key: string): string | undefined {
  return fieldLabels.get(`${type}.${key}`);
}

let loaded = false;

/** Loads the catalogue once a user is signed in (the layout calls it), so any page can name channels in words. */
export function useChannelCatalogue(signedIn: boolean): void {
  useEffect(() => {
    if (!signedIn || loaded) return;
    loaded = true;
    api.get<ChannelCapabilities[]>('/channels').then(rememberChannels, () => {
      loaded = false;
    });
  }, [signedIn]);
}
