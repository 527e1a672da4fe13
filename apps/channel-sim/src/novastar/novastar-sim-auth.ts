import { createHash, timingSafeEqual } from 'crypto';
import type { Request } from 'express';

// The NovaStar VNNOX open API's request signature (NOVASTAR.md §1.2; Sentia/novacloud_client
// lib/novacloud_client/middleware/authentication.rb, ThomasDeTandt98/vnnox-controller src/api.ts), with
// the simulator's stricter readings: CurTime within `maxCurTimeSkewSec` of the simulated clock, and a
// Nonce not reused within that window.

export interface NovastarAuthState {
  /** AppKey → AppSecret */
  apps: Map<string, string>;
  /** `${AppKey}:${Nonce}` → when it was used (simulated clock, ms) */
  nonces: Map<string, number>;
  maxCurTimeSkewSec: number;
  /** the simulated clock, ms */
  now: number;
}

/**
 * NOVASTAR.md §1.2: CheckSum = hex(SHA-256(AppSecret + Nonce + CurTime)), lowercase; CurTime in UTC seconds.
 * Answers the 401 message, or undefined when the request is signed (its Nonce is then recorded as used).
 */
export function novastarAuthProblem(req: Request, s: NovastarAuthState): string | undefined {
  const appKey = req.header('AppKey');
  const nonce = req.header('Nonce');
  const curTime = req.header('CurTime');
  const checkSum = req.header('CheckSum');
  const secret = appKey ? s.apps.get(appKey) : undefined;
  if (!appKey || secret === undefined) return 'invalid AppKey';
  if (!nonce || !curTime || !checkSum) return 'AppKey, Nonce, CurTime and CheckSum headers are required';
  if (!/^\d{1,12}$/.test(curTime)) return 'CurTime must be UTC seconds';
  if (Math.abs(s.now / 1000 - Number(curTime)) > s.maxCurTimeSkewSec) return 'CurTime expired';
  const want = createHash('sha256').update(`${secret}${nonce}${curTime}`).digest('hex');
  // Lowercase hex only, as both public clients send it (stricter than a case-insensitive compare).
  const given = Buffer.from(checkSum);
  if (given.length !== want.length || !timingSafeEqual(given, Buffer.from(want))) return 'invalid CheckSum';
  for (const [n, at] of s.nonces) if (s.now - at > s.maxCurTimeSkewSec * 1000) s.nonces.delete(n);
  const nonceKey = `${appKey}:${nonce}`;
  if (s.nonces.has(nonceKey)) return 'Nonce already used';
  s.nonces.set(nonceKey, s.now);
  return undefined;
}
