// Pure TypeScript (no imports): the console (apps/console) imports this shape too. The ReviewDecision
// entity implements ReviewDecisionRecord; GET items/:id sends the item's decisions as JSON.

/** A row of `review_decisions`: one reviewer's decision at one level, with the 保密审查 conclusion. */
export interface ReviewDecisionRecord {
  id: string;
  itemId: string;
  /** Review round: increases each time the item is submitted. */
  round: number;
  level: number;
  /** The level's label when the decision was taken (初审, 复审, 终审…); null on decisions before labels. */
  levelLabel: string | null;
  reviewerId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  /** 保密审查结论 */
  secrecyConclusion: string | null;
  /** Who created, changed (which fields) or submitted the version this approval passed. */
  changes: ReviewChange[] | null;
  createdAt: Date;
}

/** One contribution to a version under review (table item_contributions), as the review record names it. */
export interface ReviewChange {
  userId: string;
  username: string | null;
  action: 'create' | 'change' | 'submit' | 'redact';
  fields: string[];
  at: string;
}
