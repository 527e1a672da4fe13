import type { Role } from './roles';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// imports these shapes too (GET auth/me, POST auth/login). auth-user.ts re-exports them.

/** A role held in an organisation; it applies to the organisation's subtree. */
export interface RoleGrant {
  organisationId: string;
  role: Role;
}

/** The signed-in user as the JWT guard puts it on the request (and GET auth/me sends it). */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: RoleGrant[];
}
