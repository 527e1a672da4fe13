import type { EntityManager } from 'typeorm';
import type { ItemContribution } from './item-reads.types';

/**
 * The record of who created, changed or submitted which version of an item (table
 * item_contributions, append-only): approval refuses anyone among the contributors of the version
 * under review (review-policy.ts), and the review record names them. `base_version` is the item's
 * current_version_no when the contribution was made, so a version's contributors are the rows of
 * its predecessor's number: anything before the last approval belongs to a version already reviewed.
 */
export async function recordContribution(
  em: Pick<EntityManager, 'query'>,
  c: { itemId: string; baseVersion: number; userId: string; action: 'create' | 'change' | 'submit' | 'redact'; fields?: string[] },
): Promise<void> {
  // A submission carries its review round: the number of submissions so far, this one included.
  const round = c.action === 'submit' ? `(SELECT count(*)::int FROM audit_logs WHERE item_id = $1 AND action = 'item.submit')` : 'NULL::int';
  await em.query(
    `INSERT INTO item_contributions (item_id, base_version, round, user_id, action, fields) SELECT $1::uuid, $2::int, ${round}, $3::uuid, $4::text, $5::text[]`,
    [c.itemId, c.baseVersion, c.userId, c.action, c.fields ?? []],
  );
}

/** Every contribution to an item, oldest first, with the version each led to (GET items/:id). */
export function itemContributions(em: Pick<EntityManager, 'query'>, itemId: string): Promise<ItemContribution[]> {
  return em.query(
    `SELECT c.user_id AS "userId", u.username, c.action, c.fields, c.at, c.base_version + 1 AS "versionNo"
       FROM item_contributions c LEFT JOIN users u ON u.id = c.user_id WHERE c.item_id = $1 ORDER BY c.id`,
    [itemId],
  );
}
