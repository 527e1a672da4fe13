import type { EntityManager } from 'typeorm';
import type { SqlParams } from './metrics';

/** Whose items are counted: one organisation, with or without its subtree. */
export interface Scope {
  orgId: string;
  orgPath: string;
  subtree: boolean;
}

/** What the ledger queries run on: the data source, or a transaction's manager. */
export type Db = Pick<EntityManager, 'query'>;

/** SQL condition restricting `<alias>.organisation_id` to the scope. */
export function scopeSql(scope: Scope | null, alias: string, params: SqlParams): string {
  if (!scope) return 'TRUE';
  if (!scope.subtree) return `${alias}.organisation_id = ${params.add(scope.orgId)}::uuid`;
  return `${alias}.organisation_id IN (SELECT so.id FROM organisations so WHERE so.path LIKE ${params.add(scope.orgPath + '%')})`;
}
