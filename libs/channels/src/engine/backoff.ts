/** Exponential backoff with full jitter, capped: attempt 1 → up to base, doubling, never above cap. */
export function backoffMs(attempt: number, baseMs = 2000, capMs = 10 * 60_000, random = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
