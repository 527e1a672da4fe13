import * as crypto from 'crypto';
import type { Request } from 'express';
import { getBody } from '../http/sim-http';
import type { WeiboUser } from './weibo-sim.types';

// Access tokens of the Weibo simulator: where a call carries its token, the user a token stands for, and
// the token errors (21301 none, 21332 unknown or revoked, 21327/21315 expired).

/** access_token from the body, the query, or an `Authorization: OAuth2 <token>` header. */
export function weiboTokenOf(req: Request): string | undefined {
  const b = getBody(req).fields.access_token;
  if (b) return b;
  if (typeof req.query.access_token === 'string' && req.query.access_token) return req.query.access_token;
  const auth = req.headers.authorization;
  const m = auth ? /^OAuth2\s+(\S+)/i.exec(auth) : null;
  return m ? m[1] : undefined;
}

/** A user for a token first seen: the uid is derived from the token, so it is stable across resets. */
export function newWeiboUser(token: string): WeiboUser {
  const uid = 1000000000 + (parseInt(crypto.createHash('sha1').update(token).digest('hex').slice(0, 8), 16) % 8999999999);
  return { token, uid, screenName: `政务微博${String(uid).slice(-4)}`, state: 'ok', expiredCode: 21327 };
}

export function describeWeiboUser(u: WeiboUser) {
  return { token: u.token, uid: u.uid, screenName: u.screenName, state: u.state, expiredCode: u.expiredCode };
}

/** The acting user, or the error code to answer. An unknown token becomes a new user when `acceptUnknownTokens`. */
export function resolveWeiboUser(users: Map<string, WeiboUser>, token: string | undefined, acceptUnknownTokens: boolean): WeiboUser | number {
  if (!token) return 21301;
  let u = users.get(token);
  if (!u) {
    if (!acceptUnknownTokens) return 21332;
    u = newWeiboUser(token);
    users.set(token, u);
  }
  if (u.state === 'revoked') return 21332;
  if (u.state === 'expired') return u.expiredCode;
  return u;
}
