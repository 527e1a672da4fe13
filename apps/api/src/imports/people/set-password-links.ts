import { createHash, randomBytes } from 'crypto';

/** How long a set-password link stays usable. */
export const SET_PASSWORD_LINK_HOURS = 72;
/** What an imported user's password hash holds until the link sets one: no bcrypt hash, so no password matches. */
export const NO_PASSWORD_HASH = '!';

/** A fresh link token (256 random bits, URL-safe) and the SHA-256 that is stored instead of it. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The console page that takes the token (in the fragment: never sent to a server, nor kept in its logs). */
export function setPasswordPath(token: string): string {
  return `/set-password#token=${token}`;
}
