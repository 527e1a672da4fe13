import type { Signoff } from '../report-doc.types';
import { BundleStatus, BundleSummary, SENDER_STATUS_LABELS, SenderView } from './bundle.types';

// Row mapping of the bundle tables (raw SQL rows → API views).

export interface SenderRow {
  id: string;
  receiver_org_id: string;
  name: string;
  key_id: string;
  public_key: string;
  created_at: Date;
}

export interface BundleRow {
  id: string;
  sender_id: string;
  receiver_org_id: string;
  template_id: string;
  year: number;
  status: BundleStatus;
  superseded_by: string | null;
  sender_org: { id: string; name: string; code: string };
  subtree: boolean;
  digest: string;
  signoff: Signoff;
  frozen_at: Date;
  imported_by: string;
  imported_at: Date;
  return_comment: string | null;
  returned_at: Date | null;
  accepted_at: Date | null;
}

export const BUNDLE_COLUMNS = `b.id, b.sender_id, b.receiver_org_id, b.template_id, b.year, b.status, b.superseded_by, b.sender_org, b.subtree,
  b.digest, b.signoff, b.frozen_at, b.imported_by, b.imported_at, b.return_comment, b.returned_at, b.accepted_at`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function senderView(r: SenderRow): SenderView {
  return { id: r.id, organisationId: r.receiver_org_id, name: r.name, keyId: r.key_id, publicKey: r.public_key, createdAt: iso(r.created_at)! };
}

export function bundleSummary(r: BundleRow, replaced: BundleRow[] = []): BundleSummary {
  return {
    id: r.id,
    senderId: r.sender_id,
    template: r.template_id,
    year: r.year,
    status: r.status,
    statusLabel: SENDER_STATUS_LABELS[r.status],
    organisation: r.sender_org,
    subtree: r.subtree,
    digest: r.digest,
    signoff: r.signoff,
    frozenAt: iso(r.frozen_at)!,
    importedAt: iso(r.imported_at)!,
    importedBy: r.imported_by,
    returnComment: r.return_comment,
    returnedAt: iso(r.returned_at),
    acceptedAt: iso(r.accepted_at),
    replaced: replaced.map((x) => ({ id: x.id, importedAt: iso(x.imported_at)!, returnComment: x.return_comment, returnedAt: iso(x.returned_at) })),
  };
}
