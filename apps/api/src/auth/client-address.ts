import { isIPv6 } from 'net';
import type { Request } from 'express';

/**
 * The client address sign-in failures are counted against: the socket's address, or X-Forwarded-For
 * through the proxies TRUST_PROXY names (express's req.ip). An IPv6 client is counted by its /64: one
 * machine commonly holds a whole /64 and could otherwise start afresh with every new address.
 */
export function clientAddress(req: Request): string {
  const ip = (req.ip ?? req.socket?.remoteAddress ?? 'unknown').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return isIPv6(ip) ? `${ipv6Prefix64(ip)}::/64` : ip;
}

function ipv6Prefix64(ip: string): string {
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':');
}
