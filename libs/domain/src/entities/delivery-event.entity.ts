import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryEventRecord } from './delivery-event.types';

/** Every attempt and state change of a delivery, for the operator: what was called, what came back. */
@Entity('delivery_events')
export class DeliveryEvent implements DeliveryEventRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState: string | null;
  @Column({ name: 'to_state', type: 'text', nullable: true }) toState: string | null;
  @Column({ type: 'text', nullable: true }) call: string | null;
  @Column({ type: 'text', nullable: true }) response: string | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @Column({ name: 'duration_ms', type: 'int', nullable: true }) durationMs: number | null;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @CreateDateColumn({ name: 'at', type: 'timestamptz' }) at: Date;
}
