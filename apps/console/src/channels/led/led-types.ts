/** Shapes of the LED API (apps/api/src/led), as they arrive through JSON. */
import type { Jsonified } from '../../lib/types';
import type { LedScreenDetail as LedScreenDetailReply, LedScreenListRow, LedSyncReply } from '../../../../api/src/channels/led/led-rows.types';

/** GET led/screens: a screen with its last push or fetch. */
export type LedScreen = Jsonified<LedScreenListRow>;
/** GET led/screens/:accountId: the screen's latest program, its frames and entries. */
export type LedScreenDetail = Jsonified<LedScreenDetailReply>;
/** POST led/screens/:accountId/sync. */
export type LedSync = Jsonified<LedSyncReply>;
