// The shapes live in the pure auth-user.types.ts, which the console imports too.
export type { AuthUser, RoleGrant } from './auth-user.types';
