import { COUNT_CAP } from '../http/paging';

/** States deliveries end in: they pile up over the years, so the summary counts them up to COUNT_CAP. */
export const SUMMARY_SETTLED = ['published', 'withdrawn', 'cancelled', 'failed'];

/**
 * The operator summary's rows ($1 the organisations in scope, $2 SUMMARY_SETTLED): every state still
 * moving counted exactly through the partial index deliveries_summary_open_idx (its WHERE lists the same
 * settled states), and each channel × settled state counted up to COUNT_CAP + 1 through
 * deliveries_summary_idx (channel_type, state, organisation_id), so no request reads millions of rows.
 */
export function summarySql(): string {
  return `SELECT channel_type AS "channelType", state, count(*)::int AS n FROM deliveries
           WHERE organisation_id = ANY($1::uuid[]) AND state NOT IN ('published', 'withdrawn', 'cancelled', 'failed')
           GROUP BY 1, 2
          UNION ALL
          SELECT c.channel_type, s.state,
                 (SELECT count(*)::int FROM (SELECT 1 FROM deliveries d WHERE d.channel_type = c.channel_type AND d.state = s.state
                     AND d.organisation_id = ANY($1::uuid[]) LIMIT ${COUNT_CAP + 1}) x)
            FROM (SELECT DISTINCT channel_type FROM channel_accounts) c CROSS JOIN unnest($2::text[]) s(state)`;
}
