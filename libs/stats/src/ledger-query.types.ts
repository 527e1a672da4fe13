import type { Grain } from './period.types';

// What LedgerQueryService returns and the stats API sends. Pure TypeScript (type imports of pure
// modules only): the console (apps/console) imports these shapes too.

export type CountSource = 'rollup' | 'ledger';
/** auto: rollups when the period is one calendar year, quarter or month; the raw ledger otherwise. */
export type SourceChoice = 'auto' | CountSource;

export interface DrillPublication {
  recordId: string;
  channelType: string;
  accountId: string | null;
  accountName: string | null;
  publishedAt: string;
  /** Beijing local time, "YYYY-MM-DD HH:mm". */
  publishedAtBeijing: string;
  externalUrl: string | null;
  manual: boolean;
  /** Brought in from an old site by a site import (the drill-down says 已导入). */
  imported?: boolean;
  withdrawnAt: string | null;
  /** Recorded after the report was frozen (only when a freeze watermark is given). */
  afterFreeze?: boolean;
}

export interface DrillItem {
  itemId: string;
  title: string;
  indexNo: string;
  kind: string;
  category: string;
  organisationId: string;
  organisationName: string;
  writtenDate: string | null;
  repealedDate: string | null;
  validity: string;
  /** Channel types the item was published on in the period. */
  channels: string[];
  publications: DrillPublication[];
  links: string[];
  /** Drill-downs of a frozen report: true for an item that entered the cell after the freeze. */
  afterFreeze?: boolean;
  /** Drill-downs of a frozen report: a frozen member that is no longer in the cell (its document changed since). */
  leftSinceFreeze?: boolean;
}

/** What changed in a cell's membership since the freeze. */
export interface SinceFreeze {
  /** Items in the cell now that were not counted at the freeze (first page, `afterFreeze: true`). */
  joined: DrillItem[];
  joinedTotal: number;
  /** Frozen members no longer in the cell (they stay listed, marked `leftSinceFreeze`). */
  left: number;
}

/** A ledger row recorded after a freeze. */
export interface AddedRecord extends DrillPublication {
  itemId: string;
  title: string;
  indexNo: string;
  recordedAt: string | null;
}

export interface DrillResult {
  total: number;
  items: DrillItem[];
  /** Only for a frozen report: the items are its frozen members, `total` the frozen number. */
  sinceFreeze?: SinceFreeze;
}

export interface ChannelCounts {
  source: CountSource;
  total: number;
  byChannelType: { channelType: string; label: string; items: number }[];
  /**
   * Per report row (the row each channel declares, carried by the ledger): the rows of the national
   * table in its order (config/reports/_rows.yaml, 0 when empty), then any other declared row.
   */
  byReportRow: Record<string, number>;
  byAccount: { accountId: string; name: string | null; channelType: string | null; ownerOrganisationId: string | null; items: number }[];
  byCategory: { category: string; items: number }[];
  byKind: { kind: string; label: string; items: number }[];
  flags: { normative: number; interpretation: number; response: number };
  checks: { id: string; label: string; ok: boolean; detail: string }[];
}

/** GET stats/channel-counts: the counts with the scope they were counted for. */
export interface ChannelCountsView extends ChannelCounts {
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  period: { from: string; to: string; grain: Grain; label: string };
}
