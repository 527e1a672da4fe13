import { Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../enums/domain-enums';

/** A role held in an organisation; it applies to the organisation's whole subtree. */
@Entity('user_roles')
export class UserRole {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @PrimaryColumn({ type: 'text' }) role: Role;
}
