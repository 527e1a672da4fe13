// How the keyset-paged lists say where the reader is (components/list-pager.tsx); pure, for its spec.

export interface PagedCount {
  total: number;
  totalCapped: boolean;
  pageSize: number;
}

/** 共 N 条, or 超过 N 条 when the server stopped counting. */
export function countText(c: Pick<PagedCount, 'total' | 'totalCapped'> | undefined): string {
  if (!c) return '共 0 条';
  return c.totalCapped ? `超过 ${c.total} 条` : `共 ${c.total} 条`;
}

/** 第 n / m 页（共 N 条）, or 第 n 页（超过 N 条）; without n (a page opened from a link) only the count. */
export function pageText(page: number | null, c: PagedCount | undefined): string {
  if (!c) return '';
  if (page === null) return `（${countText(c)}）`;
  if (c.totalCapped) return `第 ${page} 页（${countText(c)}）`;
  return `第 ${page} / ${Math.max(1, Math.ceil(c.total / c.pageSize))} 页（${countText(c)}）`;
}
