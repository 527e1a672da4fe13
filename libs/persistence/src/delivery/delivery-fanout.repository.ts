import { Injectable } from '@nestjs/common';

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
 * The freeze as parts of the caller's one data-modifying statement (`WITH accounts, <caller's CTEs>,
 * write, <caller's CTEs> SELECT <columns>, ...`), so an approval writes its decision, the item, the
 * version, its deliveries and its audit row in one round trip.
 */
export interface FreezeSql {
  /** CTEs `fa` (the target accounts found) and `ok`: to come first. */
  accounts: string;
  /** SQL boolean: every target account exists, of a channel this build knows. The caller's writes must be guarded by it. */
  ok: string;
  /** CTEs `fv` (the version) and `fd` (its deliveries), written only when `ok` and the caller's guard hold. */
  write: string;
  /** SQL jsonb: `{version: {id, versionNo}, deliveries: n}` of what `write` wrote (for the audit row). */
  auditDetails: string;
  /** The select list that `frozen` reads back. */
  columns: string;
}

/**
 * The fan-out's write: an approved version frozen (item_versions) and one delivery per target account,
 * created `pending` (the delivery state machine's entry state), inside the caller's statement. Part of
 * the one writer of deliveries (libs/persistence/src/delivery).
 */
@Injectable()
export class DeliveryFanoutRepository {
  /**
   * The freeze's CTEs, appending their parameters to `params`. `guard`, an SQL condition over the
   * caller's earlier CTEs, says whether to write at all (an approval: the item's row was still the one read).
   */
  freezeSql(o: FreezeInput, params: unknown[], guard: string): FreezeSql {
    const at = params.length;
    const p = (n: number) => `$${at + n}`;
    params.push(
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
    );
    return {
      accounts: `fa AS (SELECT id, channel_type FROM channel_accounts WHERE id = ANY(${p(1)}::uuid[]) AND channel_type = ANY(${p(2)}::text[])),
            ok AS (SELECT count(*) = ${p(3)}::int AS ok FROM fa)`,
      ok: `(SELECT ok.ok FROM ok)`,
      write: `fv AS (
              INSERT INTO item_versions (item_id, version_no, snapshot, created_by)
              SELECT ${p(4)}::uuid, ${p(5)}::int, ${p(6)}::jsonb, ${p(7)}::uuid FROM ok WHERE ok.ok AND (${guard}) RETURNING id, created_at),
            fd AS (
              INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
              SELECT ${p(4)}::uuid, fv.id, ${p(5)}::int, fa.id, fa.channel_type, ${p(8)}::uuid, 'pending', ${p(9)}::timestamptz
                FROM fv, fa WHERE NOT (fa.id = ANY(${p(10)}::uuid[])) ORDER BY fa.id
              RETURNING id, channel_account_id, channel_type)`,
      auditDetails: `jsonb_build_object('version', (SELECT jsonb_build_object('id', fv.id, 'versionNo', ${p(5)}::int) FROM fv), 'deliveries', (SELECT count(*) FROM fd))`,
      columns: `(SELECT ok.ok FROM ok) AS accounts_ok, (SELECT id FROM fv) AS version_id, (SELECT created_at FROM fv) AS version_at,
              (SELECT json_agg(json_build_object('id', fd.id, 'channelAccountId', fd.channel_account_id, 'channelType', fd.channel_type)) FROM fd) AS deliveries`,
    };
  }

  /** What the statement's `columns` say was frozen; null when nothing was (a target account missing, or the caller's guard failed). */
  frozen(row: { version_id?: string | null; version_at?: string | Date; deliveries?: FrozenVersion['deliveries'] | null }): FrozenVersion | null {
    if (!row?.version_id) return null;
    return { versionId: row.version_id, createdAt: new Date(row.version_at!), deliveries: row.deliveries ?? [] };
  }
}
