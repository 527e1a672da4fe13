/**
 * Highest page number a list route accepts. OFFSET (page − 1) × pageSize must stay a number Postgres
 * takes as bigint; a page of 10^20 used to reach the query as 1e+20 and answer 500.
 */
export const MAX_PAGE = 1_000_000;
