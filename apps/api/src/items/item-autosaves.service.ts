import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { AUTOSAVE_MAX_BYTES, type AutosaveDetail, type AutosaveRecord } from './item-autosave.types';

/** The newest autosaves kept per user (older ones go when a new one is written). */
const KEPT_PER_USER = 20;
const KEY = /^[a-z0-9][a-z0-9-]{0,79}$/;
const COLUMNS = `key, item_id AS "itemId", saved_at AS "savedAt", bytes`;

/**
 * The editor's autosaves (issue 15.2): each user's own unsaved drafts, by a key of the console's
 * (`new`, `item-<id>`). Writing one touches nothing else: no item row, no version, no audit row, no
 * compliance scan, and it is never a submission. A key naming an item needs the right to edit it.
 */
@Injectable()
export class ItemAutosavesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
  ) {}

  async get(user: AuthUser, key: string): Promise<AutosaveDetail> {
    checkKey(key);
    const rows: AutosaveDetail[] = await this.ds.query(`SELECT ${COLUMNS}, payload FROM item_autosaves WHERE user_id = $1 AND key = $2`, [user.id, key]);
    if (!rows[0]) throw new AppError(404, 'AUTOSAVE_NOT_FOUND', '没有自动保存的内容', [{ field: 'key', reason: '没有该自动保存' }]);
    return rows[0];
  }

  async put(user: AuthUser, key: string, payload: Record<string, unknown>): Promise<AutosaveRecord> {
    const itemId = checkKey(key);
    const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
    if (bytes > AUTOSAVE_MAX_BYTES) {
      const mb = (n: number) => (n / 1_000_000).toFixed(1);
      throw new AppError(413, 'AUTOSAVE_TOO_LARGE', `自动保存的内容过大（约 ${mb(bytes)} MB，上限 ${mb(AUTOSAVE_MAX_BYTES)} MB），请精简正文后手动保存草稿`, [
        { field: 'payload', reason: `内容约 ${mb(bytes)} MB，超过自动保存上限 ${mb(AUTOSAVE_MAX_BYTES)} MB` },
      ]);
    }
    if (itemId) {
      const [item] = await this.ds.query(`SELECT organisation_id AS "organisationId" FROM items WHERE id = $1`, [itemId]);
      if (!item) throw AppError.notFound('信息', itemId);
      await this.scope.assertRole(user, item.organisationId, rolesFor('item.edit'));
    }
    return this.ds.transaction(async (em) => {
      const [row]: AutosaveRecord[] = await em.query(
        `INSERT INTO item_autosaves (user_id, key, item_id, payload, bytes, saved_at) VALUES ($1, $2, $3, $4::jsonb, $5, clock_timestamp())
         ON CONFLICT (user_id, key) DO UPDATE SET item_id = EXCLUDED.item_id, payload = EXCLUDED.payload, bytes = EXCLUDED.bytes, saved_at = EXCLUDED.saved_at
         RETURNING ${COLUMNS}`,
        [user.id, key, itemId, JSON.stringify(payload), bytes],
      );
      await em.query(
        `DELETE FROM item_autosaves WHERE user_id = $1 AND key NOT IN (SELECT key FROM item_autosaves WHERE user_id = $1 ORDER BY saved_at DESC LIMIT ${KEPT_PER_USER})`,
        [user.id],
      );
      return row;
    });
  }

  async remove(user: AuthUser, key: string): Promise<void> {
    checkKey(key);
    await this.ds.query(`DELETE FROM item_autosaves WHERE user_id = $1 AND key = $2`, [user.id, key]);
  }
}

/** The item id an `item-<id>` key names (null for other keys); 400 for a key of another shape. */
function checkKey(key: string): string | null {
  const bad = () =>
    AppError.badRequest('INVALID_AUTOSAVE_KEY', '自动保存的标识无效', [{ field: 'key', reason: '只能是小写字母、数字和连字符（不超过 80 个）' }]);
  if (!KEY.test(key)) throw bad();
  if (!key.startsWith('item-')) return null;
  const id = key.slice(5);
  if (!isUuid(id)) throw bad();
  return id;
}
