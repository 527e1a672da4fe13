import type { ComponentType, ReactNode } from 'react';
import type { ChannelAccount, ChannelCapabilities, ChannelOverrides, ItemDetail } from '../lib/types';

export interface EditorNotesInput {
  /** Every account the editor may choose. */
  accounts: ChannelAccount[];
  /** The chosen account ids. */
  selected: string[];
  overrides: ChannelOverrides;
}

/**
 * The console parts of one channel beyond its schema forms, all optional: a channel without any works
 * with the forms rendered from its declared fields alone.
 */
export interface ChannelUi {
  /** Above the channel's account form (a warning about the platform). */
  AccountNote?: ComponentType;
  /** In the editor: lines under the channel picker and sentences among the problems. A hook (called on every render). */
  useEditorNotes?(input: EditorNotesInput): { lines?: ReactNode; problems?: ReactNode };
  /** On an item's page (e.g. a phone preview for the reviewer). */
  ItemPanel?: ComponentType<{ item: ItemDetail }>;
  /** A tab of its own in the operator's monitor. */
  monitorTab?: { label: string; Panel: ComponentType };
  /**
   * Why this account does not take items of `kind` (Chinese), or null; without it, the channel's
   * capabilities.defaultKinds decide. `orgSettings`: the settings of the account's organisation.
   */
  kindRefusal?(input: {
    account: ChannelAccount;
    kind: string;
    capabilities: ChannelCapabilities;
    orgSettings: Record<string, any> | undefined;
  }): string | null;
}
