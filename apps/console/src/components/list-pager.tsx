import { type PagedCount, pageText } from '../lib/list-count';

export { countText } from '../lib/list-count';

/**
 * The pager of the keyset-paged lists (items, the monitor's matrix, the review queue): 上一页 / 下一页 and
 * where the reader is. The server counts only up to a cap (apps/api/src/http/paging.ts): past it the
 * pager says 超过 N 条 and never shows a page count it does not know.
 */
export function ListPager(p: {
  page: number | null;
  count: PagedCount | undefined;
  hasPrev: boolean;
  hasNext: boolean;
  busy?: boolean;
  onPrev: () => void;
  onNext: () => void;
}) {
  return (
    <nav className="pager" aria-label="分页">
      <button className="btn" type="button" disabled={!p.hasPrev || p.busy} onClick={p.onPrev}>
        上一页
      </button>
      <span>{pageText(p.page, p.count)}</span>
      <button className="btn" type="button" disabled={!p.hasNext || p.busy} onClick={p.onNext}>
        下一页
      </button>
    </nav>
  );
}
