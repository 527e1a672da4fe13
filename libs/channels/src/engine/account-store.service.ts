import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { SecretBox } from '@app/common/crypto/secret-box';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import type { AdapterAccount } from '../channel-adapter';

/** Loads channel accounts with their credentials decrypted, for adapters only (never for the API). */
@Injectable()
export class AccountStore {
  private readonly box: SecretBox;
  /** Decrypted accounts for the delivery hot path, briefly: the claim query checks status itself. */
  private cache = new Map<string, { at: number; value: { row: ChannelAccount; account: AdapterAccount } }>();
  private static readonly CACHE_MS = 5000;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.box = new SecretBox(config.ENCRYPTION_KEY);
  }

  seal(credentials: Record<string, unknown>): string {
    return this.box.sealJson(credentials);
  }

  /** Pass the caller's EntityManager inside a transaction: a second pool connection there can deadlock a busy pool. */
  async load(id: string, em?: EntityManager): Promise<{ row: ChannelAccount; account: AdapterAccount }> {
    const row = await (em ?? this.ds.manager)
      .getRepository(ChannelAccount)
      .createQueryBuilder('a')
      .addSelect('a.credentialsEnc')
      .where('a.id = :id', { id })
      .getOneOrFail();
    return { row, account: this.toAdapter(row) };
  }

  /** Like load(), cached for a few seconds (credentials changed by an admin apply within that time). */
  async loadCached(id: string): Promise<{ row: ChannelAccount; account: AdapterAccount }> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < AccountStore.CACHE_MS) return hit.value;
    const value = await this.load(id);
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(id, { at: Date.now(), value });
    return value;
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  toAdapter(row: ChannelAccount): AdapterAccount {
    return {
      id: row.id,
      organisationId: row.organisationId,
      name: row.name,
      baseUrl: row.baseUrl,
      settings: row.settings ?? {},
      credentials: row.credentialsEnc ? this.box.openJson(row.credentialsEnc) : {},
    };
  }

  /** Stops an account after a credentials problem; its deliveries wait until an operator fixes it. */
  async markNeedsAttention(id: string, reason: string): Promise<void> {
    this.invalidate(id);
    await this.ds.getRepository(ChannelAccount).update({ id }, { status: 'needs_attention', statusReason: reason });
  }
}
