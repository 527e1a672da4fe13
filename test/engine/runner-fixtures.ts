import { AppConfig } from '@app/common/config/app-config';
import type { ChannelAdapter, ChannelCapabilities } from '@app/channels/channel-adapter';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountLimiter } from '@app/channels/engine/account-limiter.service';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { EngineMetrics } from '@app/channels/engine/engine-metrics.service';
import { PortalUrls } from '@app/channels/engine/portal-urls.service';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { TestSystem } from '@app/test/utils/test-system';
import { publishItem } from './engine-helpers';

/** A scripted adapter's capabilities: a channel of the given type that can do nothing special. */
export function fakeCapabilities(
  type: string,
  o: { concurrency?: number; reportRow?: ChannelCapabilities['reportRow']; newMedia?: boolean } = {},
): ChannelCapabilities {
  return {
    type,
    label: '模拟渠道',
    reportRow: o.reportRow ?? 'other',
    newMedia: o.newMedia ?? false,
    settingsSchema: [],
    credentialsSchema: [],
    overrideSchema: [],
    canUpdate: false,
    canWithdraw: false,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    limits: {},
    concurrencyPerAccount: o.concurrency ?? 4,
  };
}

/**
 * The engine's runner over scripted adapters, in the api process of a test system without a worker
 * (its limiter, account store and state writer), an account of a scripted channel, and deliveries of
 * fresh versions of one published item (one delivery per version and account).
 */
export class RunnerBench {
  private itemId = '';
  private itemVersionId = '';
  private versionNo = 1;

  constructor(private readonly sys: TestSystem) {}

  async init(): Promise<void> {
    this.itemId = await publishItem(this.sys, [this.sys.seed.accounts['portal:示范县人民政府门户网站']]);
    this.itemVersionId = (await this.sys.ds.query(`SELECT id FROM item_versions WHERE item_id = $1`, [this.itemId]))[0].id;
  }

  get item(): { id: string; versionId: string } {
    return { id: this.itemId, versionId: this.itemVersionId };
  }

  runnerWith(...adapters: ChannelAdapter[]): DeliveryRunner {
    const a = this.sys.api;
    return new DeliveryRunner(
      this.sys.ds,
      a.get(AppConfig),
      new ChannelRegistry(adapters),
      a.get(AccountStore),
      a.get(PortalUrls),
      a.get(AccountLimiter),
      a.get(EngineMetrics),
      a.get(DeliveryStateRepository),
    );
  }

  async account(type: string, settings: Record<string, unknown> = {}): Promise<string> {
    const r = await this.sys.ds.query(`INSERT INTO channel_accounts (organisation_id, channel_type, name, settings) VALUES ($1, $2, $3, $4) RETURNING id`, [
      this.sys.seed.orgs['sfx'],
      type,
      `${type}-${Math.random()}`,
      JSON.stringify(settings),
    ]);
    return r[0].id;
  }

  /** A delivery of a fresh version of the item, in `state` (default pending), due now. */
  async delivery(accountId: string, type: string, state = 'pending'): Promise<string> {
    const n = ++this.versionNo;
    const v = await this.sys.ds.query(
      `INSERT INTO item_versions (item_id, version_no, snapshot, created_by) SELECT item_id, $2, snapshot, created_by FROM item_versions WHERE id = $1 RETURNING id`,
      [this.itemVersionId, n],
    );
    const r = await this.sys.ds.query(
      `INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING id`,
      [this.itemId, v[0].id, n, accountId, type, this.sys.seed.orgs['sfx'], state],
    );
    return r[0].id;
  }
}
