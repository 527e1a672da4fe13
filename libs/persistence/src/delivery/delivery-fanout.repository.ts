import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface FreezeInput {
  itemId: string;
  versionNo: number;
  organisationId: string;
  /** The frozen version (item_versions.snapshot). */
  snapshot: unknown;
  actorId: string;
  dueAt: Date;
  /** Target accounts (distinct); every one must exist with a channel type among `knownTypes`. */
  accountIds: string[];
  knownTypes: string[];
  /** Targets that get no delivery (a revision their channel cannot update: the operator is asked instead). */
  skipAccountIds: string[];
}

export interface FrozenVersion {
  versionId: string;
  createdAt: Date;
  deliveries: { id: string; channelAccountId: string; channelType: string }[];
}

/**
 * The fan-out's write: an approved version frozen (item_versions) and one delivery per target account,
 * created `pending` (the delivery state machine's entry state), in one statement inside the caller's
 * transaction. Part of the one writer of deliveries (libs/persistence/src/delivery).
 */
@Injectable()
export class DeliveryFanoutRepository {
  /** Returns null, and writes nothing, when a target account is missing or of a channel this build does not know. */
  async freeze(em: Pick<EntityManager, 'query'>, o: FreezeInput): Promise<FrozenVersion | null> {
    const rows = await em.query(
      `WITH fa AS (SELECT id, channel_type FROM channel_accounts WHERE id = ANY($1::uuid[]) AND channel_type = ANY($2::text[])),
            ok AS (SELECT count(*) = $3::int AS ok FROM fa),
            fv AS (
              INSERT INTO item_versions (item_id, version_no, snapshot, created_by)
              SELECT $4::uuid, $5::int, $6::jsonb, $7::uuid FROM ok WHERE ok.ok RETURNING id, created_at),
            fd AS (
              INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
              SELECT $4::uuid, fv.id, $5::int, fa.id, fa.channel_type, $8::uuid, 'pending', $9::timestamptz
                FROM fv, fa WHERE NOT (fa.id = ANY($10::uuid[])) ORDER BY fa.id
              RETURNING id, channel_account_id, channel_type)
       SELECT (SELECT id FROM fv) AS version_id, (SELECT created_at FROM fv) AS version_at,
              (SELECT json_agg(json_build_object('id', fd.id, 'channelAccountId', fd.channel_account_id, 'channelType', fd.channel_type)) FROM fd) AS deliveries`,
      [
        o.accountIds,
        o.knownTypes,
        o.accountIds.length,
        o.itemId,
        o.versionNo,
        JSON.stringify(o.snapshot),
        o.actorId,
        o.organisationId,
        o.dueAt,
        o.skipAccountIds,
      ],
    );
    const r = rows[0];
    if (!r?.version_id) return null;
    return { versionId: r.version_id, createdAt: new Date(r.version_at), deliveries: r.deliveries ?? [] };
  }
}
