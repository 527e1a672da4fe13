import type { ReviewLevelSpec } from '../../domain/src/entities/organisation.types';

// Pure TypeScript (type-only relative imports): the console imports these shapes too.

export type { ReviewLevelSpec };

/** GET/PUT organisations/:id/review-policy: the policy in force for the organisation and where it comes from. */
export interface ReviewPolicyView {
  organisationId: string;
  /** The levels an item of this organisation passes, in order. */
  levels: ReviewLevelSpec[];
  /** Whether the organisation has its own policy (false: inherited, or the default). */
  own: boolean;
  /** The organisation whose policy is in force (itself or an ancestor); null: nobody set one, the default applies. */
  source: { organisationId: string; name: string } | null;
}

/** PUT organisations/:id/review-policy: the organisation's own levels, or null to inherit again. */
export interface ReviewPolicyBody {
  levels: ReviewLevelSpec[] | null;
}
