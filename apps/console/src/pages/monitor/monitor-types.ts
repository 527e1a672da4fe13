/** Shapes of apps/api/src/operator (the operator console API). */
export interface MatrixCell {
  deliveryId: string;
  state: string;
  stateLabel: string;
  versionNo: number;
  externalUrl: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  attempts: number;
  publishedAt: string | null;
  nextAttemptAt: string | null;
}
export interface Matrix {
  accounts: { id: string; name: string; channelType: string; status: string; label: string }[];
  items: { id: string; title: string; status: string; indexNo: string; versionNo: number; publishAt: string | null; approvedAt: string | null; cells: Record<string, MatrixCell> }[];
  total: number;
  page: number;
  pageSize: number;
}
export interface OperatorDelivery {
  id: string;
  itemId: string;
  itemTitle: string;
  itemStatus: string;
  state: string;
  stateLabel: string;
  channelType: string;
  channelAccountId: string;
  accountName: string;
  accountStatus: string;
  organisationName: string;
  versionNo: number;
  attempts: number;
  dueAt: string;
  nextAttemptAt: string | null;
  externalId: string | null;
  externalUrl: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  publishedAt: string | null;
  updatedAt: string;
  job?: { deliver: string; withdraw: string };
  events?: DeliveryEvent[];
}
export interface DeliveryEvent {
  id: string;
  kind: string;
  fromState: string | null;
  toState: string | null;
  call: string | null;
  response: string | null;
  errorCode: string | null;
  message: string | null;
  durationMs: number | null;
  actorName: string | null;
  at: string;
}
export interface OperatorAccount {
  id: string;
  name: string;
  channelType: string;
  organisationId: string;
  enabled: boolean;
  status: string;
  statusReason: string | null;
  updatedAt: string;
  waiting: number;
  failed: number;
}
/** One SSE `delivery` event. */
export interface DeliveryChange {
  id: string;
  itemId: string;
  state: string;
  channelType: string;
  channelAccountId: string;
  organisationId: string;
  versionNo: number;
  at: string;
}
