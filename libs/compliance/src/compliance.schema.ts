import type { DbSchema } from '@app/persistence/db-schema';
import { ComplianceSchema1732004700000 } from './migrations/1732004700000-compliance-schema';

/**
 * What libs/compliance brings to the database: the lexicons and the deadline-alert history (read and
 * written with SQL, no entities; the per-item findings are libs/domain's ComplianceFinding). A new
 * migration: one line at the end.
 */
// prettier-ignore
export const COMPLIANCE_MIGRATIONS = [
  ComplianceSchema1732004700000,
];

export const COMPLIANCE_SCHEMA: DbSchema = { entities: [], migrations: COMPLIANCE_MIGRATIONS };
