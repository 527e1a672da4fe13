import type { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';

/**
 * 发布日期 may move later, never before the first confirmed publication (the ledger's earliest
 * publication_records.published_at, Beijing date): a backdated 发布日期 is 伪造发稿日期, an outright veto
 * of the national inspection (国办秘函〔2019〕19号, 单项否决: 存在弄虚作假行为; see
 * libs/compliance/src/inspection/inspection-rules.ts). Before any confirmed publication it is not set by
 * hand at all: the first publication fills it (COALESCE in the ledger writer), so a date typed earlier
 * would stay and backdate it. Refused as a whole (422) before anything is written; a permitted change is
 * in the item.update audit entry (before → after).
 */
export async function assertPublishDate(em: Pick<EntityManager, 'query'>, itemId: string, publishDate: string): Promise<void> {
  const parsed = new Date(`${publishDate}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== publishDate)
    throw AppError.validation([{ field: 'publishDate', reason: '不是有效的日期' }]);
  const rows: { first: string | null }[] = await em.query(
    `SELECT to_char(min(published_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS first FROM publication_records WHERE item_id = $1`,
    [itemId],
  );
  const first = rows[0]?.first ?? null;
  if (!first) {
    throw AppError.unprocessable('PUBLISH_DATE_NOT_PUBLISHED', '发布日期（publishDate）在首次确认发布时自动填写，尚未发布的信息不能手工填写发布日期', [
      { field: 'publishDate', reason: '尚未有确认的发布记录' },
    ]);
  }
  if (publishDate < first) {
    throw AppError.unprocessable(
      'PUBLISH_DATE_BACKDATED',
      `发布日期（publishDate）${publishDate} 早于首次确认发布日期 ${first}，不得倒签（伪造发稿日期属检查指标单项否决）`,
      [{ field: 'publishDate', reason: `不得早于首次确认发布日期 ${first}` }],
    );
  }
}
