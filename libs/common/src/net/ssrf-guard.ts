import { promises as dns } from 'dns';
import { isIP, type LookupFunction } from 'net';

/**
 * Link checking fetches addresses that editors paste, from inside the government network: never let
 * that reach private, loopback, link-local or otherwise internal addresses (SSRF). Every address a
 * host name resolves to must be public, and the connection is then pinned to the vetted address so a
 * second DNS answer cannot swap in an internal one (DNS rebinding).
 */
export class LinkRefusedError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused ${host} (${address}): ${reason}`);
    this.name = 'LinkRefusedError';
  }
}

function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

const V4_BLOCKS: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4Reason(ip: string, allowLoopback: boolean): string | null {
  const n = ipv4ToInt(ip);
  for (const [net, bits, reason] of V4_BLOCKS) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === (ipv4ToInt(net) & mask) >>> 0) {
      if (reason === 'loopback' && allowLoopback) return null;
      return reason;
    }
  }
  return null;
}

/** Eight 16-bit groups of an IPv6 address (handles '::' and a dotted IPv4 tail). */
export function expandIpv6(ip: string): number[] {
  let s = ip.replace(/^\[|\]$/g, '').split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = ipv4ToInt(dotted[1]);
    s = s.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g || '0', 16));
}

function v6Reason(ip: string, allowLoopback: boolean): string | null {
  const g = expandIpv6(ip);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return allowLoopback ? null : 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address: judge that.
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) return v4Reason(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`, allowLoopback);
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/** Why an address must not be fetched, or null if it is public. */
export function blockedReason(address: string, allowLoopback = false): string | null {
  const v = isIP(address.replace(/^\[|\]$/g, ''));
  if (v === 4) return v4Reason(address, allowLoopback);
  if (v === 6) return v6Reason(address, allowLoopback);
  return 'not an IP address';
}

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolve `host` and refuse it unless every address it resolves to is public. */
export async function resolvePublicAddress(host: string, allowLoopback = false): Promise<VettedAddress> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = isIP(bare);
  const addrs = literal ? [{ address: bare, family: literal }] : await dns.lookup(bare, { all: true, verbatim: true });
  if (addrs.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
  for (const a of addrs) {
    const reason = blockedReason(a.address, allowLoopback);
    if (reason) throw new LinkRefusedError(host, a.address, reason);
  }
  return { address: addrs[0].address, family: addrs[0].family === 6 ? 6 : 4 };
}

/** A DNS lookup that answers with the vetted address only: the connection goes where it was checked. */
export function pinnedLookup(vetted: VettedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options && options.all) cb(null, [{ address: vetted.address, family: vetted.family }]);
    else cb(null, vetted.address, vetted.family);
  }) as unknown as LookupFunction;
}
