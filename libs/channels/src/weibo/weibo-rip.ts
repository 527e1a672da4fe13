import { isIP } from 'net';
import type { DataSource } from 'typeorm';

/**
 * `rip` of statuses/share: "开发者上报的操作用户真实IP … 请传操作用户的真实有效IP", required in the current
 * revision of open.weibo.com/wiki/2/statuses/share (optional in an older one; PLATFORM.md §1: always send it).
 *
 * Who is "the operating user" here: the post goes out because a reviewer approved the item, so it is the
 * address of the approving user's request, as the product recorded it (the session the approver was
 * signed in with when approving: user_sessions.address of the version's creator, the latest session
 * started before the approval). Staff of a 政务 office often work on a private network (政务外网), where
 * that address is not a public one; then the account's `settings.rip` — the office's public address,
 * set by an admin — is the real address. Order: approver's public address, else settings.rip, else the
 * approver's address as recorded (true, if not public). None at all: nothing is sent (see the adapter).
 */
export interface RipSources {
  approverAddress: string | null;
  configured: string | null;
}

export function normaliseIp(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return s && isIP(s) ? s : null;
}

/** Not private, loopback, link-local, CGNAT or unique-local: an address Weibo can tell anything by. */
export function isPublicIp(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return !(
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  const l = ip.toLowerCase();
  return !(l === '::1' || l === '::' || l.startsWith('fe80:') || l.startsWith('fc') || l.startsWith('fd'));
}

export function chooseRip(s: RipSources): string | null {
  const approver = normaliseIp(s.approverAddress);
  const configured = normaliseIp(s.configured);
  if (approver && isPublicIp(approver)) return approver;
  return configured ?? approver;
}

/** The address the approving user was signed in from when the version was approved (null when not recorded). */
export async function approverAddress(ds: Pick<DataSource, 'query'> | undefined, versionId: string): Promise<string | null> {
  if (!ds) return null;
  const rows: { address: string | null }[] = await ds.query(
    `SELECT s.address FROM item_versions v
       JOIN user_sessions s ON s.user_id = v.created_by AND s.created_at <= v.created_at
      WHERE v.id = $1 AND s.address IS NOT NULL
      ORDER BY s.created_at DESC LIMIT 1`,
    [versionId],
  );
  return rows[0]?.address ?? null;
}
