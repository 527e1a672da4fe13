import { DataSource } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { componentLogger } from '@app/common/logging/logger';
import { ledColour } from '@app/media/led/led-colours';
import { LedFrame, LedTextRenderer } from '@app/media/led/led-text.renderer';
import { AdapterAccount, AttemptLog, CredentialsError } from '../channel-adapter';
import { AccountStore } from '../engine/account-store.service';
import { HuiduClient } from './huidu-client';
import { insertLedEntry, NewLedEntry } from './led-entry-store';
import { LedEntry } from './led-entry.entity';
import { ledEntryFrame, ledEtag, ledFrame, ledFrameList, ledKeyMatches, ledPlaylist } from './led-playlist';
import { ProgramScreen } from './led-program';
import { LedProgram } from './led-program.entity';
import { holdsProgram, LedSyncOptions, syncLedProgram } from './led-program-sync';
import type { LedEntryRow, LedFrameRef, LedScreenRow, LedSyncCounts } from './led-reads.types';
import { listLedEntries, listLedScreens } from './led-screen-views';
import { LedScreenSettings, parseLedSettings } from './led-settings';

export interface LedScreen {
  account: AdapterAccount;
  enabled: boolean;
  status: string;
  settings: LedScreenSettings;
  problems: FieldProblem[];
}

export interface SyncResult extends LedSyncCounts {
  version: LedProgram;
}

export interface PlaylistAnswer {
  status: 200 | 304;
  etag: string;
  body?: Record<string, unknown>;
}

/** Second key of pg_advisory_lock(int, int): one program change per screen at a time, across processes. */
const LED_LOCK_NS = 727274102;

/**
 * Owns each screen's entries and program versions. Every change of what a screen shows goes through
 * sync(): expire what ended, build the whole program from the active entries, store it as a new
 * version when it differs, and (Huidu) push it to the controller until it is acknowledged. Pull
 * players fetch the latest version instead, which records the fetch.
 *
 * Split by responsibility: led-entry-store.ts (entries and their pages), led-program-sync.ts (sync),
 * led-playlist.ts (pull mode, frames), led-screen-views.ts (operator lists), novastar-sync.ts.
 */
export class LedScreenService {
  private readonly log = componentLogger('led');

  constructor(
    readonly ds: DataSource,
    private readonly accounts: AccountStore,
    readonly renderer: LedTextRenderer = new LedTextRenderer({ maxChars: 2000 }),
  ) {}

  // ------------------------------------------------------------------ screens

  async screen(accountId: string): Promise<LedScreen> {
    if (!isUuid(accountId)) throw AppError.notFound('LED屏', accountId);
    const loaded = await this.accounts.load(accountId).catch(() => null);
    if (!loaded || loaded.row.channelType !== 'led') throw AppError.notFound('LED屏', accountId);
    return this.screenOf(loaded.account, loaded.row.enabled, loaded.row.status);
  }

  screenOf(account: AdapterAccount, enabled = true, status = 'active'): LedScreen {
    const { settings, problems } = parseLedSettings(account.settings, account.credentials, account.baseUrl);
    return { account, enabled, status, settings, problems };
  }

  lineHeight(s: LedScreenSettings): number {
    return s.lineHeight ?? (s.height >= 16 ? 16 : s.height);
  }

  /** Renders a text for a screen with the bundled CJK font: the pages the controller gets and the preview PNGs. */
  async render(s: LedScreenSettings, text: string, colour?: string | null): Promise<LedFrame[]> {
    return this.renderer.render({ width: s.width, height: s.height, colourMode: s.colourMode, colour: s.colour }, text, {
      lineHeight: this.lineHeight(s),
      colour: colour ?? undefined,
    });
  }

  colourHex(s: LedScreenSettings, colour?: string | null): string {
    return ledColour(s.colourMode, colour ?? s.colour).hex;
  }

  // ------------------------------------------------------------------ entries

  async entryOfDelivery(deliveryId: string): Promise<LedEntry | null> {
    return this.ds.getRepository(LedEntry).findOneBy({ deliveryId });
  }

  /**
   * Records what a delivery puts on a screen (idempotent by delivery). A newer version of the item
   * supersedes an older entry; an older version arriving late is stored superseded.
   */
  async addEntry(screen: LedScreen, o: NewLedEntry): Promise<LedEntry> {
    return this.withLock(screen.account.id, async () => {
      const existing = await this.entryOfDelivery(o.deliveryId);
      if (existing) return existing;
      return insertLedEntry(this.ds, screen, o);
    });
  }

  /** Takes a delivery's entry off its screen: withdrawn now, pushed (or served) without it. */
  async removeEntryOfDelivery(deliveryId: string, reason: string | null): Promise<LedEntry | null> {
    const e = await this.entryOfDelivery(deliveryId);
    if (!e) return null;
    await this.ds.query(
      `UPDATE led_entries SET status = 'withdrawn', removed_at = now(), removed_reason = $2, updated_at = now() WHERE id = $1 AND status = 'active'`,
      [e.id, reason ? `撤回：${reason}` : '撤回'],
    );
    return e;
  }

  // ------------------------------------------------------------------ programs

  private async withLock<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [LED_LOCK_NS, accountId]);
      return await fn();
    } finally {
      await qr.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LED_LOCK_NS, accountId]).catch(() => undefined);
      await qr.release();
    }
  }

  async latestVersion(accountId: string): Promise<LedProgram | null> {
    return this.ds.getRepository(LedProgram).findOne({ where: { channelAccountId: accountId }, order: { version: 'DESC' } });
  }

  /**
   * Brings a screen up to date: expired entries leave, a changed program becomes a new version, and a
   * Huidu screen gets the version pushed (method replace, the whole program) until it acknowledges.
   * `force` pushes even an acknowledged version again (an operator's "push again").
   */
  async sync(accountId: string, o: LedSyncOptions = {}): Promise<SyncResult> {
    return this.withLock(accountId, () => syncLedProgram(this, accountId, o));
  }

  client(screen: LedScreen, log?: (e: AttemptLog) => Promise<void>): HuiduClient {
    const c = screen.account.credentials;
    return new HuiduClient(
      { baseUrl: screen.account.baseUrl, deviceId: screen.settings.deviceId, sdkKey: String(c.sdkKey), sdkSecret: String(c.sdkSecret) },
      log,
    );
  }

  programScreen(s: LedScreenSettings): ProgramScreen {
    return { width: s.width, height: s.height, lineHeight: this.lineHeight(s), fontName: s.fontName, effect: s.effect };
  }

  /** The first version containing the entry that the controller acknowledged (Huidu) or the player fetched (pull). */
  async shownIn(entry: Pick<LedEntry, 'id' | 'channelAccountId'>, how: 'acked' | 'fetched'): Promise<LedProgram | null> {
    const col = how === 'acked' ? 'acked_at' : 'fetched_at';
    return this.ds
      .getRepository(LedProgram)
      .createQueryBuilder('p')
      .where(`p.channelAccountId = :a AND :e = ANY(p.entry_ids) AND p.${col} IS NOT NULL`, { a: entry.channelAccountId, e: entry.id })
      .orderBy('p.version', 'ASC')
      .getOne();
  }

  /**
   * After an unknown outcome: does the controller hold exactly the programs of a version containing
   * the entry? If so that version is acknowledged now (the push went through, only the answer was lost).
   */
  async reconcileHuidu(screen: LedScreen, entry: LedEntry, log?: (e: AttemptLog) => Promise<void>): Promise<LedProgram | null> {
    const done = await this.shownIn(entry, 'acked');
    if (done) return done;
    const candidate = await this.ds
      .getRepository(LedProgram)
      .createQueryBuilder('p')
      .where(`p.channelAccountId = :a AND :e = ANY(p.entry_ids)`, { a: entry.channelAccountId, e: entry.id })
      .orderBy('p.version', 'DESC')
      .getOne();
    if (!candidate) return null;
    if (!(await holdsProgram(this.client(screen, log), candidate))) return null;
    await this.ds.query(`UPDATE led_programs SET acked_at = COALESCE(acked_at, now()) WHERE channel_account_id = $1 AND version = $2`, [
      candidate.channelAccountId,
      candidate.version,
    ]);
    return this.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: candidate.channelAccountId, version: candidate.version });
  }

  /** Every enabled screen brought up to date (the schedule): expiries, emergency starts and ends, failed pushes. */
  async syncAll(now = new Date()): Promise<{ accountId: string; version?: number; pushed?: boolean; expired?: number; error?: string }[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM channel_accounts WHERE channel_type = 'led' AND enabled AND status = 'active' ORDER BY id`,
    );
    const out = [];
    for (const r of rows) {
      try {
        const res = await this.sync(r.id, { now });
        out.push({ accountId: r.id, version: res.version.version, pushed: res.pushed, expired: res.expired });
      } catch (e) {
        // Wrong credentials or device id will not fix themselves: stop the screen and tell the operator
        // (as a delivery would); other failures are retried by the next pass.
        if (e instanceof CredentialsError) await this.accounts.markNeedsAttention(r.id, `${e.code}: ${e.message}`);
        this.log.warn({ accountId: r.id, err: (e as Error).message }, 'LED screen sync failed');
        out.push({ accountId: r.id, error: (e as Error).message });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ pull mode and previews

  keyMatches(screen: LedScreen, given: string | undefined): boolean {
    return ledKeyMatches(screen, given);
  }

  static etag(v: Pick<LedProgram, 'version' | 'hash'>): string {
    return ledEtag(v);
  }

  /**
   * The playlist a pull-mode player fetches. The screen is synced first (expired entries never reach a
   * player), and the fetch is recorded: a delivery counts as published once a fetched version holds it.
   * An If-None-Match naming the current version answers 304 (and counts as a fetch: the player has it).
   */
  async playlist(screen: LedScreen, ifNoneMatch: string | undefined, apiPrefix: string): Promise<PlaylistAnswer> {
    return ledPlaylist(this, screen, ifNoneMatch, apiPrefix);
  }

  /** The frames of a version in play order: n, entry, text. */
  async frameList(version: LedProgram): Promise<LedFrameRef[]> {
    return ledFrameList(this.ds, version);
  }

  /** Frame n (1-based) of a version (default: the latest) as PNG. */
  async frame(accountId: string, n: number, versionNo?: number): Promise<Buffer | null> {
    return ledFrame(this, accountId, n, versionNo);
  }

  /** An entry's page PNG; with `accountId`, only when the entry is that screen's. */
  async entryFrame(entryId: string, page: number, accountId?: string): Promise<Buffer | null> {
    return ledEntryFrame(this.ds, entryId, page, accountId);
  }

  // ------------------------------------------------------------------ operator views

  async listScreens(orgIds: string[]): Promise<LedScreenRow[]> {
    return listLedScreens(this.ds, orgIds);
  }

  async entries(accountId: string, includeRemoved: boolean): Promise<LedEntryRow[]> {
    return listLedEntries(this.ds, accountId, includeRemoved);
  }
}
