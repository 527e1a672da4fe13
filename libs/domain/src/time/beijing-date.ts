/** Calendar date (YYYY-MM-DD) in Asia/Shanghai: periods and 发布日期 are Beijing dates. */
export function beijingDate(d: Date): string {
  // UTC+8 all year (no daylight saving since 1991).
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
