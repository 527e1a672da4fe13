import type { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { ITEM_STATUS_LABELS, ItemStatus } from '@app/domain/enums/domain-enums';

/**
 * A delivery carries one frozen version. An operator may send it again (retry) or record it as
 * published by hand only while that version is what the item stands at, approved or published: once
 * a reviewer called the publication off (the item back to draft), or a later version was approved,
 * or the item was withdrawn, the old version must not go out.
 */
export function currentVersionRefusal(r: { item_status: string; item_version_no: number; version_no: number }, what: string): AppError | null {
  if (r.item_status === 'withdrawn') return AppError.conflict('ITEM_WITHDRAWN', `该信息已撤回，不能${what}`);
  const v = Number(r.version_no);
  const current = Number(r.item_version_no);
  if (r.item_status !== 'approved' && r.item_status !== 'published') {
    const label = ITEM_STATUS_LABELS[r.item_status as ItemStatus] ?? r.item_status;
    return AppError.conflict(
      'VERSION_NOT_APPROVED',
      `该发送任务是第${v}版，信息当前为「${label}」，未处于已审核或已发布状态，不能${what}；须重新审核通过后由系统发送`,
      [{ field: 'versionNo', reason: `item is ${r.item_status}, not approved or published` }],
    );
  }
  if (current !== v) {
    return AppError.conflict('VERSION_NOT_APPROVED', `该发送任务是第${v}版，信息当前审核通过的是第${current}版，旧版本不能${what}`, [
      { field: 'versionNo', reason: `delivery is version ${v}, the item stands at version ${current}` },
    ]);
  }
  return null;
}

/** Locks (shared) the item a delivery belongs to, before the delivery itself: the order cancelSchedule and withdraw use. */
export async function lockItemOfDelivery(em: Pick<EntityManager, 'query'>, deliveryId: string): Promise<void> {
  if (!isUuid(deliveryId)) return; // the delivery lookup refuses it
  await em.query(`SELECT 1 FROM items WHERE id = (SELECT item_id FROM deliveries WHERE id = $1) FOR SHARE`, [deliveryId]);
}
