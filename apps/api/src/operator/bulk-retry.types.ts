// Pure TypeScript: POST deliveries/bulk-retry, which the monitor's 批量重试 reads.

/** One delivery of a bulk retry: sent again (its new state), or refused with the reason in Chinese. */
export type BulkRetryResult = { id: string; ok: true; state: string } | { id: string; ok: false; code: string; message: string };

export interface BulkRetryReply {
  retried: number;
  refused: number;
  results: BulkRetryResult[];
}
