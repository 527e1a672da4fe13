import type { DataSource } from 'typeorm';
import type { Delivery } from '@app/domain/entities/delivery.entity';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import type { AttemptLog, DeliveryContext } from '../channel-adapter';
import type { AccountStore } from './account-store.service';
import { Batcher } from './batcher';
import type { PortalUrls } from './portal-urls.service';

/** Snapshots kept per process (versions are immutable; a burst's items are what is being sent). */
const MAX_CACHED_VERSIONS = 500;
/** How many of them a claim names (a burst works on its newest items; an older one is just sent again). */
const KNOWN_VERSIONS_SENT = 64;

/**
 * What an adapter is handed for a step (DeliveryContext): the frozen version, the account, the
 * checkpoint, the previous version's publication, the item's public page. Versions are immutable, so
 * their snapshots are cached; claims bring the ones not cached yet (cachedVersionIds), and concurrent
 * reads of the others share a statement.
 */
export class DeliveryContexts {
  private versions = new Map<string, Promise<ItemSnapshot>>();
  private readonly snapshots: Batcher<string, ItemSnapshot | null>;

  constructor(
    private readonly ds: DataSource,
    private readonly states: DeliveryStateRepository,
    private readonly accounts: AccountStore,
    private readonly portalUrls: PortalUrls,
  ) {
    this.snapshots = new Batcher<string, ItemSnapshot | null>(
      async (ids) => {
        const rows: { id: string; snapshot: ItemSnapshot }[] = await states.q(
          'versions_many',
          `SELECT id, snapshot FROM item_versions WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        const byId = new Map(rows.map((r) => [r.id, r.snapshot]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      100,
      2,
    );
  }

  /** The frozen version a delivery sends (a pending read is shared; a failed read is not remembered). */
  snapshot(versionId: string): Promise<ItemSnapshot> {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    const s = this.snapshots.submit(versionId).then((snap) => {
      if (!snap) throw new Error(`item version ${versionId} not found`);
      return snap;
    });
    s.catch(() => this.versions.delete(versionId));
    this.remember(versionId, s);
    return s;
  }

  remember(versionId: string, s: Promise<ItemSnapshot>) {
    if (this.versions.size >= MAX_CACHED_VERSIONS && !this.versions.has(versionId)) {
      // oldest first (Map keeps insertion order)
      this.versions.delete(this.versions.keys().next().value!);
    }
    this.versions.set(versionId, s);
  }

  /** The most recent versions whose snapshot this process holds (a claim need not send them again). */
  cachedVersionIds(): string[] {
    return [...this.versions.keys()].slice(-KNOWN_VERSIONS_SENT);
  }

  async context(d: Delivery, events: PendingEvent[]): Promise<DeliveryContext> {
    const snapshot = await this.snapshot(d.itemVersionId);
    const { account } = await this.accounts.loadCached(d.channelAccountId);
    let previous: DeliveryContext['previous'] = null;
    if (d.versionNo > 1) {
      const p = await this.ds.query(
        `SELECT version_no, external_id, external_url FROM deliveries
          WHERE item_id = $1 AND channel_account_id = $2 AND version_no < $3 AND state = 'published'
          ORDER BY version_no DESC LIMIT 1`,
        [d.itemId, d.channelAccountId, d.versionNo],
      );
      if (p[0]) previous = { versionNo: p[0].version_no, externalId: p[0].external_id, externalUrl: p[0].external_url };
    }
    let checkpoint = { ...(d.checkpoint ?? {}) };
    const states = this.states;
    return {
      deliveryId: d.id,
      attempt: d.attempts,
      version: snapshot,
      versionId: d.itemVersionId,
      account,
      get checkpoint() {
        return checkpoint;
      },
      // Durable before the next step runs, together with the attempts logged so far (unfenced: the
      // step took effect outside whoever holds the lease now).
      saveCheckpoint: async (patch) => {
        checkpoint = { ...checkpoint, ...patch };
        const pending = events.splice(0);
        pending.push({ kind: 'checkpoint', message: Object.keys(patch).join(',') });
        await states.saveCheckpoint(d.id, patch, pending);
      },
      // Buffered and written with the step's outcome: one round trip instead of one per call.
      logAttempt: async (entry: AttemptLog) => {
        events.push({ kind: 'attempt', ...entry });
      },
      portalUrl: await this.portalUrls.urlFor(snapshot.itemId, snapshot.organisationId),
      externalId: d.externalId,
      externalUrl: d.externalUrl,
      previous,
    };
  }
}
