import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@app/common/errors/app-error';
import type { ChannelAdapter, ChannelCapabilities } from './channel-adapter';

export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');

/** All adapters by channel type. Start-up fails if two adapters claim one type. */
@Injectable()
export class ChannelRegistry {
  private readonly byType = new Map<string, ChannelAdapter>();

  constructor(@Inject(CHANNEL_ADAPTERS) adapters: ChannelAdapter[]) {
    for (const a of adapters) {
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
}
