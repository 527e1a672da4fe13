import type { AuthUser } from '../../../../libs/common/src/auth/auth-user.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console's users tab
// (apps/console) reads GET users with it.

/** A user as GET users lists it: who, whether the account is on, the home organisation and the roles held. */
export interface UserRow extends AuthUser {
  active: boolean;
  /** 所属单位; null only for users inserted outside the API before it existed (counted as the root's). */
  homeOrganisationId: string | null;
  /** Whether the caller manages this user: home organisation and every role within the caller's admin organisations. */
  manageable: boolean;
}
