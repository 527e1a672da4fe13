import type { CheckResult, Signoff } from '../report-doc.types';

// The shapes of a signed report bundle and of the bundle routes. Pure TypeScript: the console imports them.

export const BUNDLE_FORMAT = 'gd-stats-bundle/1';

/** One item behind a computed cell, as the sending installation listed it at export. */
export interface BundleDrillItem {
  itemId: string;
  indexNo: string;
  title: string;
  organisationName: string;
}

/** The items behind one computed cell; `digest` = sha-256 of the canonical JSON of `items`. */
export interface BundleDrillCell {
  count: number;
  digest: string;
  items: BundleDrillItem[];
}

/** A hand-entered figure and who entered it (as the frozen report recorded it). */
export interface BundleManualEntry {
  cellId: string;
  value: number;
  enteredBy: string | null;
  enteredAt: string | null;
}

/** What is signed: the frozen report's figures and everything that backs them. */
export interface BundlePayload {
  format: typeof BUNDLE_FORMAT;
  exportedAt: string;
  signer: { keyId: string; publicKey: string };
  template: { id: string; title: string; layout: string };
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  period: { year: number; from: string; to: string };
  frozen: { id: string; frozenAt: string; frozenBy: string; watermark: string };
  signoff: Signoff;
  /** Every numeric cell of the report by id (null: a manual cell left empty). */
  figures: Record<string, number | null>;
  manual: BundleManualEntry[];
  drill: Record<string, BundleDrillCell>;
  checks: CheckResult[];
}

/** The file sent upward: the payload and its Ed25519 signature over canonicalJson(payload). */
export interface BundleEnvelope {
  payload: BundlePayload;
  signature: { alg: 'Ed25519'; keyId: string; value: string };
}

export type BundleStatus = 'submitted' | 'returned' | 'accepted';
/** 未报 / 已报 / 退回 / 已采纳 */
export type SenderStatus = 'missing' | BundleStatus;

export const SENDER_STATUS_LABELS: Record<SenderStatus, string> = { missing: '未报', submitted: '已报', returned: '退回', accepted: '已采纳' };

export interface InstallationKeyView {
  algorithm: 'Ed25519';
  keyId: string;
  /** base64 of the 32-byte raw public key. */
  publicKey: string;
  publicKeyPem: string;
}

export interface SenderView {
  id: string;
  organisationId: string;
  name: string;
  keyId: string;
  publicKey: string;
  createdAt: string;
}

/** GET stats/senders */
export interface SendersView {
  installation: InstallationKeyView;
  senders: SenderView[];
}

export interface BundleSummary {
  id: string;
  senderId: string;
  template: string;
  year: number;
  status: BundleStatus;
  statusLabel: string;
  organisation: { id: string; name: string; code: string };
  subtree: boolean;
  digest: string;
  signoff: Signoff;
  frozenAt: string;
  importedAt: string;
  importedBy: string;
  returnComment: string | null;
  returnedAt: string | null;
  acceptedAt: string | null;
  /** Earlier bundles of this sender, template and year that this one replaced (returned ones). */
  replaced: { id: string; importedAt: string; returnComment: string | null; returnedAt: string | null }[];
}

/** One row of GET stats/bundles: a sender, a template and where its report stands. */
export interface SenderStatusRow {
  sender: SenderView;
  template: string;
  year: number;
  status: SenderStatus;
  statusLabel: string;
  bundle: BundleSummary | null;
}

export interface BundleStatusView {
  organisationId: string;
  year: number;
  rows: SenderStatusRow[];
  counts: Record<SenderStatus, number>;
}

/** GET stats/reports/:template/aggregate: what the aggregate added up. */
export interface AggregateInfo {
  own: { source: 'live' | 'frozen' };
  bundles: { id: string; senderId: string; senderName: string; organisation: { name: string; code: string } }[];
  /** Cells added across installations (every numeric leaf cell); sums recomputed from them. */
  note: string;
}
