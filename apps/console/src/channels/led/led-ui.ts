import type { ChannelUi } from '../channel-ui.types';
import { LedPanel } from './led-panel';

/** The LED screens' own console part: each screen's program as rendered frames, in the operator's monitor. */
export const LED_UI: ChannelUi = {
  monitorTab: { label: 'LED显示屏', Panel: LedPanel },
};
