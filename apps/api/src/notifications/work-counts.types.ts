// Pure TypeScript: GET me/work-counts, which the console's navigation reads.

/**
 * Waiting work for the navigation's badges. A count is null where the user has no part in that work
 * (an editor reviews nothing, a reviewer operates no channel): the console shows no badge then.
 */
export interface WorkCounts {
  /** 待审核: items waiting at a level this user decides (libs/review). */
  review: number | null;
  /** 发布异常: failed deliveries (of items not withdrawn) in the organisations the user operates. */
  failed: number | null;
  /** 待人工核实: deliveries whose outcome is unconfirmed. */
  unconfirmed: number | null;
  /** 待编入公报: deliveries waiting for the next issue of a gazette. */
  awaitingIssue: number | null;
  /** Notifications not read yet. */
  unreadNotifications: number;
}
