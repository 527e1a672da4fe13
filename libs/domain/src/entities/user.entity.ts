import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) username: string;
  @Column({ name: 'display_name', type: 'text' }) displayName: string;
  @Column({ name: 'password_hash', type: 'text', select: false }) passwordHash: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  /** Tokens are valid only while they carry this value; bumped to end every session at once. */
  @Column({ name: 'session_epoch', type: 'integer', default: 0, select: false }) sessionEpoch: number;
  /** 所属单位: set at creation within the creating admin's scope; NULL (direct inserts) counts as the root. */
  @Column({ name: 'home_organisation_id', type: 'uuid', nullable: true }) homeOrganisationId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
