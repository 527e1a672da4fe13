import * as crypto from 'crypto';
import type { Request, Response } from 'express';
import { getBody, jsonObject, randomToken } from '../http/sim-http';
import { wechatError } from './wechat-errors';
import { Account, DAY_MS, TokenRec, WechatSimState } from './wechat-sim.types';

// The WeChat simulator's accounts and access tokens: cgi-bin/token (with the 5-minute overlap after a
// refresh), cgi-bin/stable_token (force_refresh limits) and the ?access_token= check every other call
// passes through.

export function accountOf(s: WechatSimState, req: Request): string | undefined {
  const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
  if (token) return s.tokens.get(token)?.appid;
  if (typeof req.query.appid === 'string') return req.query.appid;
  return getBody(req).fields.appid;
}

export function newAccount(appid: string): Account {
  const ghid = 'gh_' + crypto.createHash('md5').update(appid).digest('hex').slice(0, 12);
  return { appid, ghid, ipWhitelistFail: false, deleteUnauthorized: false, forceRefreshes: [], registered: false };
}

export function describeAccount(a: Account) {
  return {
    appid: a.appid,
    ghid: a.ghid,
    registered: a.registered,
    secretSet: a.secret !== undefined,
    ipWhitelistFail: a.ipWhitelistFail,
    deleteUnauthorized: a.deleteUnauthorized,
    callbackUrl: a.callbackUrl ?? null,
  };
}

/** Credential check shared by token and stable_token; answers the error itself. */
function checkCredentials(s: WechatSimState, req: Request, res: Response, appid: unknown, secret: unknown, grantType: unknown): Account | undefined {
  if (grantType !== 'client_credential') {
    res.json(wechatError(40002));
    return undefined;
  }
  if (typeof appid !== 'string' || appid === '') {
    res.json(wechatError(41002));
    return undefined;
  }
  if (typeof secret !== 'string' || secret === '') {
    res.json(wechatError(41004));
    return undefined;
  }
  let a = s.accounts.get(appid);
  if (!a) {
    if (!s.config.acceptUnknownAppids) {
      res.json(wechatError(40013));
      return undefined;
    }
    a = newAccount(appid);
    s.accounts.set(appid, a);
  }
  if (a.secret !== undefined && a.secret !== secret) {
    res.json(wechatError(s.config.wrongSecretErrcode));
    return undefined;
  }
  if (a.ipWhitelistFail) {
    res.json(ipError(req));
    return undefined;
  }
  return a;
}

function ipError(req: Request) {
  const ip = (req.ip ?? '127.0.0.1').replace(/^::ffff:/, '');
  return wechatError(40164, `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`);
}

function issueToken(s: WechatSimState, appid: string, kind: 'normal' | 'stable'): TokenRec {
  const now = s.ctx.clock.now();
  for (const t of s.tokens.values()) {
    if (t.appid === appid && t.kind === kind && t.supersededAt === undefined) t.supersededAt = now;
  }
  const rec: TokenRec = { token: randomToken(96), appid, kind, issuedAt: now, expiresAt: now + s.config.tokenTtlS * 1000 };
  s.tokens.set(rec.token, rec);
  return rec;
}

export function accessToken(s: WechatSimState, req: Request, res: Response): void {
  const q = req.query;
  const a = checkCredentials(s, req, res, q.appid, q.secret, q.grant_type);
  if (!a) return;
  const t = issueToken(s, a.appid, 'normal');
  res.json({ access_token: t.token, expires_in: s.config.tokenTtlS });
}

export function stableToken(s: WechatSimState, req: Request, res: Response): void {
  const body = jsonObject(req);
  if (!body) {
    res.json(wechatError(47001));
    return;
  }
  const a = checkCredentials(s, req, res, body.appid, body.secret, body.grant_type);
  if (!a) return;
  const now = s.ctx.clock.now();
  const force = body.force_refresh === true || body.force_refresh === 'true';
  const current = [...s.tokens.values()].find(
    (t) => t.appid === a.appid && t.kind === 'stable' && t.supersededAt === undefined && !t.revoked && t.expiresAt > now,
  );
  if (force) {
    a.forceRefreshes = a.forceRefreshes.filter((t) => now - t < DAY_MS);
    if (a.forceRefreshes.length >= s.config.stableForceRefreshPerDay) {
      res.json(wechatError(45009));
      return;
    }
    const last = a.forceRefreshes[a.forceRefreshes.length - 1];
    if (last !== undefined && now - last < s.config.stableForceRefreshMinIntervalS * 1000) {
      res.json(wechatError(45011));
      return;
    }
    a.forceRefreshes.push(now);
    // "强制刷新模式下，上次获取的 access_token 会立即失效" per the stable_token doc
    // (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken): no 5-minute overlap.
    if (current) current.revoked = true;
  } else if (current) {
    res.json({ access_token: current.token, expires_in: Math.max(0, Math.floor((current.expiresAt - now) / 1000)) });
    return;
  }
  const t = issueToken(s, a.appid, 'stable');
  res.json({ access_token: t.token, expires_in: s.config.tokenTtlS });
}

/** Validates ?access_token= and runs fn with the account, or answers the token error. */
export function withAuth(s: WechatSimState, req: Request, res: Response, fn: (a: Account) => void): void {
  const token = req.query.access_token;
  if (typeof token !== 'string' || token === '') {
    res.json(wechatError(41001));
    return;
  }
  const t = s.tokens.get(token);
  if (!t) {
    res.json(wechatError(40014));
    return;
  }
  const now = s.ctx.clock.now();
  if (t.revoked) {
    res.json(wechatError(40001));
    return;
  }
  if (now >= t.expiresAt) {
    res.json(wechatError(42001));
    return;
  }
  if (t.supersededAt !== undefined && now >= t.supersededAt + s.config.tokenOverlapS * 1000) {
    res.json(wechatError(40001));
    return;
  }
  const a = s.accounts.get(t.appid);
  if (!a) {
    res.json(wechatError(40001));
    return;
  }
  if (a.ipWhitelistFail) {
    res.json(ipError(req));
    return;
  }
  const denied = s.extras.denied(a.appid, req.path, jsonObject(req));
  if (denied) {
    res.json(denied);
    return;
  }
  fn(a);
}
