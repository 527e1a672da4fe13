import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppError } from '@app/common/errors/app-error';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { AdapterAccount, ChannelAdapter, ChannelCapabilities } from './channel-adapter';
import { fieldProblems, firstPerField } from './channel-adapter-fields';

export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');
/** Adapters added by ChannelsModule.forRoot({ extraAdapters }) (channels.module.ts). */
export const EXTRA_CHANNEL_ADAPTERS = Symbol('EXTRA_CHANNEL_ADAPTERS');

/** All adapters by channel type. Start-up fails if two adapters claim one type. */
@Injectable()
export class ChannelRegistry {
  private readonly byType = new Map<string, ChannelAdapter>();

  constructor(@Inject(CHANNEL_ADAPTERS) adapters: ChannelAdapter[], @Optional() @Inject(EXTRA_CHANNEL_ADAPTERS) extra: ChannelAdapter[] | null = null) {
    for (const a of [...adapters, ...(extra ?? [])]) {
      const t = a.capabilities.type;
      if (this.byType.has(t)) throw new Error(`two channel adapters declare type "${t}"`);
      this.byType.set(t, a);
    }
  }

  get(type: string): ChannelAdapter {
    const a = this.byType.get(type);
    if (!a) throw AppError.badRequest('UNKNOWN_CHANNEL_TYPE', `不支持的渠道类型：${type}`, [{ field: 'channelType', reason: 'unknown channel type' }]);
    return a;
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  capabilities(): ChannelCapabilities[] {
    return [...this.byType.values()].map((a) => a.capabilities);
  }

  /**
   * The editor's per-channel values (item.channelOverrides) against each channel's overrideSchema,
   * fields named channelOverrides.<type>.<key>. `shapeOnly` when a draft is saved (it may be
   * unfinished: only the kind of each value); complete at submit. Types no adapter declares are left alone.
   */
  overrideProblems(overrides: unknown, o: { shapeOnly?: boolean } = {}): FieldProblem[] {
    if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) return [];
    const out: FieldProblem[] = [];
    for (const [type, values] of Object.entries(overrides as Record<string, unknown>)) {
      const a = this.byType.get(type);
      if (!a || !values || typeof values !== 'object' || Array.isArray(values)) continue;
      out.push(
        ...fieldProblems(a.capabilities.overrideSchema, values as Record<string, unknown>, { prefix: `channelOverrides.${type}`, shapeOnly: o.shapeOnly }),
      );
    }
    return out;
  }

  /**
   * Submit-time validation of a version for one account: the adapter's own problems, then what its
   * overrideSchema says about fields the adapter did not already name.
   */
  async validate(type: string, version: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const own = await this.get(type).validate(version, account);
    return firstPerField([...own, ...this.overrideProblems({ [type]: version.channelOverrides?.[type] ?? {} })]);
  }
}
