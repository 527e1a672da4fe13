import type { FieldProblem } from '../../../common/src/errors/field-problem.types';
import type { ChannelAccountRecord } from '../../../domain/src/entities/channel-account.types';
import type { HuiduProgram } from './huidu-program.types';

// Pure TypeScript (type imports of pure modules only, by relative path): LED entries and program
// versions, and what LedScreenService answers to the screens API, which the console
// (apps/console/src/pages/monitor/led-panel.tsx) reads too. Timestamps are Dates here and ISO strings
// once sent. The LedEntry and LedProgram entities implement LedEntryRecord and LedProgramRecord.

/**
 * What the console shows of a screen's settings (LedScreenSettings narrows and adds to it). Colour mode
 * and protocol are as configured: a value parseLedSettings refuses is kept, with a problem saying so.
 */
export interface LedScreenFacts {
  location: string;
  width: number;
  height: number;
  /** single | dual | full */
  colourMode: string;
  /** huidu | pull */
  protocol: string;
  /** Huidu controller id (the {ids} of /api/program/{ids}); '' when there is none. */
  deviceId: string;
  /** Longest an item may take on this screen, in pages (screens of text). */
  maxPages: number;
}

export type LedEntryStatus = 'active' | 'expired' | 'withdrawn' | 'superseded';

/** A row of `led_entries`: what one delivery put on one screen. */
export interface LedEntryRecord {
  id: string;
  channelAccountId: string;
  itemId: string;
  deliveryId: string;
  versionNo: number;
  title: string;
  text: string;
  displayFrom: Date;
  displayTo: Date;
  weekdays: number[];
  hours: { start: string; end: string }[];
  priority: number;
  emergency: boolean;
  colour: string | null;
  /** The text split into the screen's pages (lines joined by \n), for pagesSig's screen settings. */
  pages: string[];
  pagesSig: string;
  status: LedEntryStatus;
  removedAt: Date | null;
  removedReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An entry as the screens API lists it (without the signature its pages were split for). */
export type LedEntryRow = Omit<LedEntryRecord, 'pagesSig'>;

/** A row of `led_programs`: a numbered version of a screen's whole program. */
export interface LedProgramRecord {
  channelAccountId: string;
  version: number;
  hash: string;
  programs: HuiduProgram[];
  /** Entries in the program, in play order. */
  entryIds: string[];
  frameCount: number;
  emergency: boolean;
  createdAt: Date;
  pushedAt: Date | null;
  ackedAt: Date | null;
  fetchedAt: Date | null;
  lastError: string | null;
}

/** Frame n (1-based, in play order) of a program version: page `page` of entry `entryId`. */
export interface LedFrameRef {
  n: number;
  entryId: string;
  page: number;
  text: string;
  width: number;
  height: number;
}

/** What one sync did besides settling the version. */
export interface LedSyncCounts {
  /** A new version was stored by this sync. */
  created: boolean;
  /** The version was pushed to the controller by this sync (Huidu). */
  pushed: boolean;
  /** Entries whose display window ended. */
  expired: number;
}

/** A screen as LedScreenService.listScreens lists it: the account, its last push or fetch, its program. */
export interface LedScreenRow extends Pick<ChannelAccountRecord, 'id' | 'name' | 'organisationId' | 'enabled' | 'status' | 'statusReason'> {
  settings: Omit<LedScreenFacts, 'maxPages'>;
  lastPushAt: Date | null;
  lastPushVersion: number | null;
  lastFetchAt: Date | null;
  lastFetchVersion: number | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The latest program version; null before the first. */
  currentVersion: number | null;
  activeEntries: number;
  /** What is wrong with the screen's settings (the credentials' problems left out). */
  problems: FieldProblem[];
}
