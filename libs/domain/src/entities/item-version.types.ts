import type { ItemContent } from './item.types';

// Pure TypeScript (type imports of pure modules only): the console (apps/console) imports these shapes
// too. The ItemVersion entity implements ItemVersionRecord.

/** The frozen content of an item at approval: what the adapters render. Never updated. */
export interface ItemSnapshot extends ItemContent {
  itemId: string;
  versionNo: number;
  organisationId: string;
  organisationName: string;
  organisationCode: string;
  authorName: string;
  approvedAt: string;
}

/** A row of `item_versions`: one frozen version of an item. */
export interface ItemVersionRecord {
  id: string;
  itemId: string;
  versionNo: number;
  snapshot: ItemSnapshot;
  createdBy: string;
  createdAt: Date;
}
