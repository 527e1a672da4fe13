import { Fragment, type ComponentType, type ReactElement } from 'react';
import type { ItemDetail } from '../lib/types';
import type { ChannelUi, EditorNotesInput } from './channel-ui.types';
import { GAZETTE_UI } from './gazette/gazette-ui';
import { LED_UI } from './led/led-ui';
import { WECHAT_UI } from './wechat/wechat-ui';

/**
 * The console parts of each channel beyond its schema forms, by channel type: one line per channel
 * that has any. Pages and components look parts up here and never name a channel.
 */
const CHANNEL_UI: Record<string, ChannelUi> = {
  wechat: WECHAT_UI,
  gazette: GAZETTE_UI,
  led: LED_UI,
};

const ENTRIES = Object.entries(CHANNEL_UI);

export function channelUi(type: string): ChannelUi {
  return CHANNEL_UI[type] ?? {};
}

/** The channel's note above its account form, if any. */
export function ChannelAccountNote({ type }: { type: string }) {
  const Note = channelUi(type).AccountNote;
  return Note ? <Note /> : null;
}

/**
 * Every channel's editor notes (the WeChat 群发 quota...). Calls each channel's hook in a fixed order
 * (the registry never changes at run time), so it obeys the rules of hooks.
 */
export function useChannelEditorNotes(input: EditorNotesInput): { lines: ReactElement; problems: ReactElement } {
  const notes = ENTRIES.map(([type, ui]) => ({ type, ...(ui.useEditorNotes?.(input) ?? {}) }));
  return {
    lines: (
      <>
        {notes.map((n) => (
          <Fragment key={n.type}>{n.lines}</Fragment>
        ))}
      </>
    ),
    problems: (
      <>
        {notes.map((n) => (
          <Fragment key={n.type}>{n.problems}</Fragment>
        ))}
      </>
    ),
  };
}

/** Every channel's panel on an item's page. */
export function ChannelItemPanels({ item }: { item: ItemDetail }) {
  return <>{ENTRIES.map(([type, ui]) => (ui.ItemPanel ? <ui.ItemPanel key={type} item={item} /> : null))}</>;
}

/** The monitor's tabs of channels that have one, keyed by channel type. */
export function channelMonitorTabs(): { key: string; label: string; Panel: ComponentType }[] {
  return ENTRIES.filter(([, ui]) => ui.monitorTab).map(([type, ui]) => ({ key: type, label: ui.monitorTab!.label, Panel: ui.monitorTab!.Panel }));
}
