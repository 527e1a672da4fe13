import * as crypto from 'crypto';
import { DataSource } from 'typeorm';
import { LedProgram } from './led-program.entity';
import type { LedFrameRef } from './led-reads.types';
import type { LedScreen, LedScreenService, PlaylistAnswer } from './led-screen.service';

// Pull mode and previews: the playlist a pull player fetches (with its ETag and key), and the frames
// of a program version as PNG. Used by LedScreenService.

/** Whether a pull player's key is the screen's playlist key (compared in constant time). */
export function ledKeyMatches(screen: LedScreen, given: string | undefined): boolean {
  const want = String(screen.account.credentials?.playlistKey ?? '');
  if (!want || !given) return false;
  const a = crypto.createHash('sha256').update(want).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

export function ledEtag(v: Pick<LedProgram, 'version' | 'hash'>): string {
  return `"v${v.version}-${v.hash.slice(0, 16)}"`;
}

/**
 * The playlist a pull-mode player fetches. The screen is synced first (expired entries never reach a
 * player), and the fetch is recorded: a delivery counts as published once a fetched version holds it.
 * An If-None-Match naming the current version answers 304 (and counts as a fetch: the player has it).
 */
export async function ledPlaylist(screens: LedScreenService, screen: LedScreen, ifNoneMatch: string | undefined, apiPrefix: string): Promise<PlaylistAnswer> {
  const { version } = await screens.sync(screen.account.id, { screen });
  const etag = ledEtag(version);
  await screens.ds.query(`UPDATE led_programs SET fetched_at = COALESCE(fetched_at, now()) WHERE channel_account_id = $1 AND version = $2`, [
    screen.account.id,
    version.version,
  ]);
  await screens.ds.query(
    `INSERT INTO led_screen_status (channel_account_id, last_fetch_at, last_fetch_version, fetch_count) VALUES ($1, now(), $2, 1)
     ON CONFLICT (channel_account_id) DO UPDATE SET last_fetch_at = now(), last_fetch_version = $2, fetch_count = led_screen_status.fetch_count + 1`,
    [screen.account.id, version.version],
  );
  const tags = (ifNoneMatch ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes(etag) || tags.includes('*')) return { status: 304, etag };
  const frames = await ledFrameList(screens.ds, version);
  const s = screen.settings;
  return {
    status: 200,
    etag,
    body: {
      screen: { id: screen.account.id, name: screen.account.name, location: s.location, width: s.width, height: s.height, colourMode: s.colourMode },
      version: version.version,
      hash: version.hash,
      generatedAt: version.createdAt.toISOString(),
      emergency: version.emergency,
      programs: version.programs,
      frames: frames.map((f) => ({
        ...f,
        url: `${apiPrefix}/led/screens/${screen.account.id}/playlist/frames/${f.n}.png?v=${version.version}`,
        durationMs: s.effect.hold,
      })),
    },
  };
}

/** The frames of a version in play order: n, entry, text. */
export async function ledFrameList(ds: DataSource, version: LedProgram): Promise<LedFrameRef[]> {
  if (!version.entryIds.length) return [];
  const rows: { entry_id: string; n: number; text: string; width: number; height: number }[] = await ds.query(
    `SELECT entry_id, n, text, width, height FROM led_entry_frames WHERE entry_id = ANY($1::uuid[])`,
    [version.entryIds],
  );
  const out: LedFrameRef[] = [];
  let n = 0;
  for (const id of version.entryIds) {
    for (const r of rows.filter((x) => x.entry_id === id).sort((a, b) => a.n - b.n)) {
      out.push({ n: ++n, entryId: id, page: r.n, text: r.text, width: r.width, height: r.height });
    }
  }
  return out;
}

/** Frame n (1-based) of a version (default: the latest) as PNG. */
export async function ledFrame(screens: LedScreenService, accountId: string, n: number, versionNo?: number): Promise<Buffer | null> {
  const version = versionNo
    ? await screens.ds.getRepository(LedProgram).findOneBy({ channelAccountId: accountId, version: versionNo })
    : await screens.latestVersion(accountId);
  if (!version) return null;
  const f = (await ledFrameList(screens.ds, version)).find((x) => x.n === n);
  if (!f) return null;
  return ledEntryFrame(screens.ds, f.entryId, f.page);
}

/** An entry's page PNG; with `accountId`, only when the entry is that screen's. */
export async function ledEntryFrame(ds: DataSource, entryId: string, page: number, accountId?: string): Promise<Buffer | null> {
  const rows = await ds.query(
    `SELECT f.png FROM led_entry_frames f JOIN led_entries e ON e.id = f.entry_id WHERE f.entry_id = $1 AND f.n = $2 AND ($3::uuid IS NULL OR e.channel_account_id = $3)`,
    [entryId, page, accountId ?? null],
  );
  return rows[0]?.png ?? null;
}
