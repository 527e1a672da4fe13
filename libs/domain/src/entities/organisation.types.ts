// Pure TypeScript (no imports): the console (apps/console) imports this shape too. The Organisation
// entity implements OrganisationRecord; GET/POST/PATCH organisations send it as JSON.

/** A row of `organisations`: a node of the tree (county → departments → townships). */
export interface OrganisationRecord {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: string;
  /** Materialised path of ids ("/<root>/<child>/"). */
  path: string;
  /** Number of review levels an item of this organisation must pass (先审查、后公开). */
  reviewLevels: number;
  /** 索引号 scheme, e.g. "{orgCode}/{yyyy}-{seq:5}". */
  indexScheme: string;
  /** Non-secret per-organisation settings (gazette, default channels by kind, portal columns...). */
  settings: Record<string, any>;
  createdAt: Date;
}
