import type {
  LedEntryRow,
  LedFrameRef,
  LedProgramRecord,
  LedScreenFacts,
  LedScreenRow,
  LedSyncCounts,
} from '../../../../../libs/channels/src/led/led-reads.types';
import type { FieldProblem } from '../../../../../libs/common/src/errors/field-problem.types';

// Pure TypeScript (type imports of pure modules only, by relative path): what LedController builds
// itself, which the console (apps/console/src/pages/monitor/led-panel.tsx) reads too. Timestamps are
// Dates here and ISO strings once sent.

/** GET led/screens: a screen its reader may see, with where its frames are listed. */
export interface LedScreenListRow extends LedScreenRow {
  framesUrl: string;
}

/** A frame with the address of its PNG (an <img> adds ?access_token=). */
export interface LedFrameLink extends LedFrameRef {
  url: string;
}

/** GET led/screens/:accountId: the screen, its latest program version and its entries (removed ones too). */
export interface LedScreenDetail {
  id: string;
  name: string;
  settings: LedScreenFacts;
  /** What is wrong with the screen's settings (the credentials' problems left out). */
  problems: FieldProblem[];
  /** null before the screen's first program version. */
  program: Pick<LedProgramRecord, 'version' | 'hash' | 'emergency' | 'createdAt' | 'ackedAt' | 'fetchedAt' | 'lastError' | 'programs' | 'entryIds'> | null;
  frames: LedFrameLink[];
  entries: LedEntryRow[];
}

/** GET led/screens/:accountId/frames: the latest version's frames (version null: none yet). */
export interface LedFrameList {
  version: number | null;
  frames: LedFrameLink[];
}

/** POST led/screens/:accountId/sync: the version the screen is now on, and what the sync did. */
export interface LedSyncReply extends LedSyncCounts, Pick<LedProgramRecord, 'ackedAt'> {
  version: number;
}
