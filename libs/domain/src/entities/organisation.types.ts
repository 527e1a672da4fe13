import type { Role } from '../enums/domain-enums';

// Pure TypeScript (type-only imports): the console (apps/console) imports this shape too. The Organisation
// entity implements OrganisationRecord; GET/POST/PATCH organisations send it as JSON.

/** One level of a review policy (libs/review/src/review-policy.ts): who decides it and what it records. */
export interface ReviewLevelSpec {
  /** What the office calls the level: 初审, 复审, 终审, or its own name. */
  label: string;
  /** The role that decides the level (held in the organisation or an ancestor). */
  role: Role;
  /** Whether this level records the 保密审查 conclusion (the last level always does). */
  recordsSecrecy: boolean;
}

/** A row of `organisations`: a node of the tree (county → departments → townships). */
export interface OrganisationRecord {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: string;
  /** Materialised path of ids ("/<root>/<child>/"). */
  path: string;
  /** The organisation's own review policy (ordered levels); null: it inherits its nearest ancestor's. */
  reviewPolicy: ReviewLevelSpec[] | null;
  /** 索引号 scheme, e.g. "{orgCode}/{yyyy}-{seq:5}". */
  indexScheme: string;
  /** Non-secret per-organisation settings (gazette, default channels by kind, portal columns...). */
  settings: Record<string, any>;
  createdAt: Date;
}

/** GET organisations: a row with the review policy in force (its own, else its nearest ancestor's, else the default). */
export interface OrganisationListRow extends OrganisationRecord {
  reviewPolicyInForce: ReviewLevelSpec[];
  /** How many levels that policy has. */
  reviewLevels: number;
}
