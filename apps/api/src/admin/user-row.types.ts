import type { AuthUser } from '../../../../libs/common/src/auth/auth-user.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console's users tab
// (apps/console) reads GET users with it.

/** A user as GET users lists it: who, whether the account is on, and the roles held. */
export interface UserRow extends AuthUser {
  active: boolean;
}
