import type { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { Item } from '@app/domain/entities/item.entity';

/** The item, locked for the caller's transaction (404 when the id is malformed or unknown). */
export async function lockItem(em: EntityManager, id: string): Promise<Item> {
  if (!isUuid(id)) throw AppError.notFound('信息', id);
  const item = await em.getRepository(Item).createQueryBuilder('i').where('i.id = :id', { id }).setLock('pessimistic_write').getOne();
  if (!item) throw AppError.notFound('信息', id);
  return item;
}
