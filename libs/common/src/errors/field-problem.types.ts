/**
 * One field-level reason of an error ({field, reason}), as the API sends it in `details`.
 * Dependency-free so the console (apps/console) can import it: keep it pure TypeScript.
 */
export interface FieldProblem {
  field: string;
  reason: string;
}
