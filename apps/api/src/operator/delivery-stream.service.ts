import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import type { DeliveryChange } from './delivery-change.types';

export type StreamMessage = { type: 'delivery'; change: DeliveryChange } | { type: 'resync' };

/**
 * Live delivery changes for this api process, from Postgres LISTEN/NOTIFY: a trigger (the engine's
 * migration) notifies on every new delivery and state change, whichever process made it, so any
 * number of api processes each get every change without Redis fan-out. One listening connection per
 * process, opened on the first subscriber; it reconnects after a Postgres restart and then tells
 * subscribers to resync (changes during the gap were not seen).
 */
@Injectable()
export class DeliveryStream implements OnApplicationShutdown {
  private readonly log = componentLogger('delivery-stream');
  private readonly subscribers = new Set<(m: StreamMessage) => void>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  subscribe(fn: (m: StreamMessage) => void): () => void {
    this.subscribers.add(fn);
    void this.ensureListening();
    return () => this.subscribers.delete(fn);
  }

  /** Resolves once the LISTEN is in place (tests wait for it before causing changes). */
  ready(): Promise<void> {
    return this.ensureListening();
  }

  private emit(m: StreamMessage) {
    for (const fn of this.subscribers) {
      try {
        fn(m);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'subscriber failed');
      }
    }
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => (this.connecting = null));
    }
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.config.DATABASE_URL, keepAlive: true });
    c.on('notification', (n) => {
      if (n.channel !== 'delivery_changed' || !n.payload) return;
      let parsed: DeliveryChange | DeliveryChange[];
      try {
        parsed = JSON.parse(n.payload);
      } catch {
        return; // a malformed payload is not worth a crash
      }
      // one statement's changes come as an array (the trigger runs once per statement)
      for (const change of Array.isArray(parsed) ? parsed : [parsed]) this.emit({ type: 'delivery', change });
    });
    const lost = (why: string) => {
      if (this.client !== c) return;
      this.client = null;
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn({ why }, 'delivery change listener lost; reconnecting');
      this.scheduleReconnect(1000);
    };
    c.on('error', (e) => lost(e.message));
    c.on('end', () => lost('connection ended'));
    try {
      await c.connect();
      await c.query('LISTEN delivery_changed');
    } catch (e) {
      c.end().catch(() => undefined);
      this.log.warn({ err: (e as Error).message }, 'cannot listen for delivery changes; retrying');
      this.scheduleReconnect(2000);
      return;
    }
    if (this.closed) {
      await c.end().catch(() => undefined);
      return;
    }
    const wasDown = this.everConnected;
    this.client = c;
    this.everConnected = true;
    if (wasDown) this.emit({ type: 'resync' });
  }

  private everConnected = false;

  private scheduleReconnect(ms: number) {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.subscribers.size) void this.ensureListening();
    }, ms);
    this.retryTimer.unref();
  }

  async onApplicationShutdown() {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.subscribers.clear();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
