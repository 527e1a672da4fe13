// Pure TypeScript (no imports): the console (apps/console) imports these shapes too.

/** The largest autosave accepted: UTF-8 bytes of the payload as JSON (a long body with tables fits many times). */
export const AUTOSAVE_MAX_BYTES = 2_000_000;

/** GET/PUT autosaves/:key: one of the user's own unsaved drafts. */
export interface AutosaveRecord {
  key: string;
  /** The item the draft belongs to (`item-<id>` keys), null for an item not created yet. */
  itemId: string | null;
  savedAt: Date;
  bytes: number;
}

export interface AutosaveDetail extends AutosaveRecord {
  payload: Record<string, unknown>;
}
