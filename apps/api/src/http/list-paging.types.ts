// Pure TypeScript (no imports): the console (apps/console) reads these shapes too.

/** The common tail of a list answer: the count (capped), the page asked for and the next page's cursor. */
export interface ListPaging {
  /** Rows matching the filters, exact up to COUNT_CAP; COUNT_CAP and totalCapped=true beyond. */
  total: number;
  totalCapped: boolean;
  /** The OFFSET page answered (1 when paged by cursor: the page after the cursor's position). */
  page: number;
  pageSize: number;
  /** Opaque position of the next page (pass it back as `cursor`); null on the last page. */
  nextCursor: string | null;
}
