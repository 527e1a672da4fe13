/** Shapes returned by the API (see apps/api/src/*): only what the console reads. */
export type Role = 'editor' | 'reviewer' | 'operator' | 'statistician' | 'admin';

export interface RoleGrant {
  organisationId: string;
  role: Role;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: RoleGrant[];
}

export interface Organisation {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  level: string;
  path: string;
  reviewLevels: number;
  indexScheme: string;
  settings: Record<string, any>;
}

export interface Attachment {
  name: string;
  url: string;
  mime: string;
  size: number;
}

export type ChannelOverrides = Record<string, Record<string, any>>;

export interface Finding {
  id: string;
  itemId: string;
  rule: string;
  severity: 'block' | 'review' | 'warn';
  field: string;
  start: number;
  end: number;
  excerpt: string;
  message: string;
  status: 'open' | 'kept' | 'redacted' | 'resolved';
  decidedBy: string | null;
  decisionReason: string | null;
}

export interface ReviewDecision {
  id: string;
  round: number;
  level: number;
  reviewerId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  secrecyConclusion: string | null;
  createdAt: string;
}

export interface Item {
  id: string;
  organisationId: string;
  authorId: string;
  status: 'draft' | 'submitted' | 'approved' | 'rejected' | 'published' | 'withdrawn';
  title: string;
  bodyHtml: string;
  summary: string;
  indexNo: string;
  docNo: string | null;
  issuingBody: string;
  writtenDate: string | null;
  publishDate: string | null;
  category: string;
  disclosureAttr: string;
  validity: string;
  repealedDate: string | null;
  kind: string;
  policyItemId: string | null;
  attachments: Attachment[];
  targetAccountIds: string[];
  channelOverrides: ChannelOverrides;
  publishAt: string | null;
  reviewLevel: number;
  currentVersionNo: number;
  rejectionReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ItemDetail extends Item {
  findings: Finding[];
  reviews: ReviewDecision[];
  deliveries: unknown[];
  versions: { id: string; versionNo: number; createdAt: string; createdBy: string }[];
  reviewLevelsRequired: number;
}

export interface ItemList {
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ChannelCapabilities {
  type: string;
  label: string;
  reportRow: string;
  canUpdate: boolean;
  canWithdraw: boolean;
  asyncConfirmation: boolean;
  collectsIntoIssues: boolean;
  limits: { titleMaxChars?: number; textMaxChars?: number; imageMaxBytes?: number; imageFormats?: string[] };
  concurrencyPerAccount: number;
  defaultKinds?: string[];
}

export interface ChannelAccount {
  id: string;
  organisationId: string;
  channelType: string;
  name: string;
  baseUrl: string;
  settings: Record<string, any>;
  enabled: boolean;
  status: string;
  statusReason: string | null;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PreviewImage {
  name: string;
  contentType: string;
  base64: string;
  width?: number;
  height?: number;
}

export interface ChannelPreview {
  accountId: string;
  accountName: string;
  channelType: string;
  label: string;
  preview: {
    channelType: string;
    html?: string;
    text?: string;
    images?: PreviewImage[];
    meta?: Record<string, unknown>;
    problems: { field: string; reason: string }[];
  };
}

export interface Delivery {
  id: string;
  itemId: string;
  itemTitle?: string;
  state: string;
  channelType: string;
  channelAccountId: string;
  accountName: string;
  organisationId?: string;
  versionNo: number;
  attempts: number;
  dueAt: string;
  externalId: string | null;
  externalUrl: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  publishedAt: string | null;
  updatedAt: string;
}

export interface AuditEntry {
  id: string;
  action: string;
  actorId: string | null;
  actorName: string | null;
  details: Record<string, any>;
  at: string;
}
