import type { Role } from '@app/domain/enums/domain-enums';

/** The signed-in user as the JWT guard puts it on the request. Roles apply to an organisation's subtree. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: { organisationId: string; role: Role }[];
}
