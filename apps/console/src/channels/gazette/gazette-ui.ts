import type { ChannelUi } from '../channel-ui.types';
import { GazettePanel } from './gazette-panel';
import { KIND_LABELS } from '../../lib/labels';

/** The gazette's own console part: compiling and publishing issues, in the operator's monitor. */
export const GAZETTE_UI: ChannelUi = {
  monitorTab: { label: '政府公报', Panel: GazettePanel },
  // the kinds printed: the account's list, else its organisation's, else the channel's default (as the server's acceptedKinds)
  kindRefusal({ account, kind, capabilities, orgSettings }) {
    const own = account.settings?.kinds;
    const fromOrg = orgSettings?.gazette?.kinds;
    const kinds: string[] = Array.isArray(own) && own.length ? own : Array.isArray(fromOrg) && fromOrg.length ? fromOrg : (capabilities.defaultKinds ?? []);
    if (!kinds.length || kinds.includes(kind)) return null;
    return `只刊登${kinds.map((k) => KIND_LABELS[k] ?? k).join('、')}，不刊登“${KIND_LABELS[kind] ?? kind}”`;
  },
};
