import type { FindingSeverity, FindingStatus } from '../enums/domain-enums';

// Pure TypeScript (type imports of pure modules only): the console (apps/console) imports these
// shapes too. The ComplianceFinding entity implements FindingRecord.

/** What a content check found and where: positions are offsets into the field's stored string. */
export interface FindingPlacement {
  rule: string;
  severity: FindingSeverity;
  field: string;
  start: number;
  end: number;
  excerpt: string;
  message: string;
}

/** A row of `compliance_findings` (the API sends it as JSON). */
export interface FindingRecord extends FindingPlacement {
  id: string;
  itemId: string;
  status: FindingStatus;
  decidedBy: string | null;
  decisionReason: string | null;
  createdAt: Date;
}
