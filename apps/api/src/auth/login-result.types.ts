import type { AuthUser } from '../../../../libs/common/src/auth/auth-user.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// signs in with POST auth/login and reads this reply.

/**
 * POST auth/login: a bearer token (API clients; the console's sign-in, sent with its header, gets the
 * token as an HttpOnly cookie instead and no `accessToken` here), its lifetime in seconds and who signed in.
 */
export interface LoginResult {
  accessToken?: string;
  expiresIn: number;
  user: AuthUser;
}
