import * as crypto from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { ledColour } from '@app/media/led/led-colours';
import { LedFrame, LedTextRenderer } from '@app/media/led/led-text.renderer';
import { AdapterAccount, AttemptLog, CredentialsError, PermanentError, UnknownOutcomeError } from '../channel-adapter';
import { AccountStore } from '../engine/account-store.service';
import { HuiduClient } from './huidu-client';
import { LedDisplay } from './led-display';
import { LedEntry } from './led-entry.entity';
import { buildProgram, ProgramEntry, ProgramScreen } from './led-program';
import { buildNovastarProgram } from './novastar-program';
import { ledScreenStatus, pushNovastar } from './novastar-sync';
import { LedProgram } from './led-program.entity';
import type { LedEntryRow, LedFrameRef, LedScreenRow, LedSyncCounts } from './led-reads.types';
import { LedScreenSettings, parseLedSettings, screenSignature } from './led-settings';
import { isUuid } from '@app/common/ids/is-uuid';

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
const KEEP_VERSIONS = 50;

/**
 * Owns each screen's entries and program versions. Every change of what a screen shows goes through
 * sync(): expire what ended, build the whole program from the active entries, store it as a new
 * version when it differs, and (Huidu) push it to the controller until it is acknowledged. Pull
 * players fetch the latest version instead, which records the fetch.
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
    return this.renderer.render(
      { width: s.width, height: s.height, colourMode: s.colourMode, colour: s.colour },
      text,
      { lineHeight: this.lineHeight(s), colour: colour ?? undefined },
    );
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
  async addEntry(screen: LedScreen, o: { deliveryId: string; version: ItemSnapshot; display: LedDisplay; frames: LedFrame[] }): Promise<LedEntry> {
    const accountId = screen.account.id;
    return this.withLock(accountId, async () => {
      const existing = await this.entryOfDelivery(o.deliveryId);
      if (existing) return existing;
      return this.ds.transaction(async (em) => {
        await em.query(
          `UPDATE led_entries SET status = 'superseded', removed_at = now(), removed_reason = $4, updated_at = now()
            WHERE channel_account_id = $1 AND item_id = $2 AND status = 'active' AND version_no < $3`,
          [accountId, o.version.itemId, o.version.versionNo, `被第${o.version.versionNo}版取代`],
        );
        const newer = await em.query(`SELECT 1 FROM led_entries WHERE channel_account_id = $1 AND item_id = $2 AND status = 'active' AND version_no > $3`, [
          accountId,
          o.version.itemId,
          o.version.versionNo,
        ]);
        const entry = em.getRepository(LedEntry).create({
          channelAccountId: accountId,
          itemId: o.version.itemId,
          deliveryId: o.deliveryId,
          versionNo: o.version.versionNo,
          title: o.version.title,
          text: o.display.text,
          displayFrom: o.display.from,
          displayTo: o.display.to,
          weekdays: o.display.weekdays,
          hours: o.display.hours,
          priority: o.display.priority,
          emergency: o.display.emergency,
          colour: o.display.colour ?? null,
          pages: o.frames.map((f) => f.text),
          pagesSig: screenSignature(screen.settings, o.display.colour),
          status: newer.length ? 'superseded' : 'active',
          removedAt: newer.length ? new Date() : null,
          removedReason: newer.length ? '已有更新的版本' : null,
        });
        await em.getRepository(LedEntry).insert(entry);
        await this.saveFrames(em, entry.id, o.frames);
        return entry;
      });
    });
  }

  private async saveFrames(em: Pick<EntityManager, 'query'>, entryId: string, frames: LedFrame[]) {
    await em.query(`DELETE FROM led_entry_frames WHERE entry_id = $1`, [entryId]);
    for (const [i, f] of frames.entries()) {
      await em.query(`INSERT INTO led_entry_frames (entry_id, n, png, width, height, text) VALUES ($1, $2, $3, $4, $5, $6)`, [entryId, i + 1, f.png, f.width, f.height, f.text]);
    }
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
  async sync(accountId: string, o: { force?: boolean; log?: (e: AttemptLog) => Promise<void>; now?: Date; screen?: LedScreen } = {}): Promise<SyncResult> {
    return this.withLock(accountId, async () => {
      const screen = o.screen ?? (await this.screen(accountId));
      if (screen.problems.length) {
        throw new PermanentError('LED_SCREEN_MISCONFIGURED', `LED屏设置有误（请联系管理员）：${screen.problems.map((p) => `${p.field} ${p.reason}`).join('；')}`);
      }
      const s = screen.settings;
      const now = o.now ?? new Date();
      const expired = await this.ds.query(
        `UPDATE led_entries SET status = 'expired', removed_at = now(), removed_reason = '显示时段结束', updated_at = now()
          WHERE channel_account_id = $1 AND status = 'active' AND display_to <= $2 RETURNING id`,
        [accountId, now],
      );
      const entries = await this.programEntries(screen);
      const built = (s.protocol === 'novastar' ? buildNovastarProgram : buildProgram)(this.programScreen(s), entries, now);
      let version = await this.latestVersion(accountId);
      let created = false;
      if (!version || version.hash !== built.hash) {
        const frameCount = built.entryIds.reduce((n, id) => n + (entries.find((e) => e.id === id)?.pages.length ?? 0), 0);
        const next = (version?.version ?? 0) + 1;
        await this.ds.getRepository(LedProgram).insert({
          channelAccountId: accountId,
          version: next,
          hash: built.hash,
          programs: built.programs,
          entryIds: built.entryIds,
          frameCount,
          emergency: built.emergency,
        });
        await this.ds.query(`DELETE FROM led_programs WHERE channel_account_id = $1 AND version <= $2`, [accountId, next - KEEP_VERSIONS]);
        version = await this.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: accountId, version: next });
        created = true;
      }
      let pushed = false;
      // A controller we never gave anything keeps what the hall put on it until there is something to show.
      const untouched = !version.programs.length && !(await this.ds.query(`SELECT 1 FROM led_programs WHERE channel_account_id = $1 AND acked_at IS NOT NULL LIMIT 1`, [accountId])).length;
      const sent = s.protocol === 'novastar' && !untouched ? await pushNovastar(this.ds, screen, version, entries, now, o) : null;
      if (sent) [version, pushed] = [sent, true];
      if (s.protocol === 'huidu' && (!version.ackedAt || o.force) && !untouched) {
        const client = this.client(screen, o.log);
        try {
          await this.ds.query(`UPDATE led_programs SET pushed_at = now() WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version]);
          await client.replace(version.programs).catch(async (e) => {
            // The answer was lost: if the controller holds exactly this program, the push went through.
            if (!(e instanceof UnknownOutcomeError) || !(await this.holds(client, version!).catch(() => false))) throw e;
            await o.log?.({ call: 'program getAll', response: `controller holds program v${version!.version}: the lost replace took effect` });
          });
        } catch (e) {
          const msg = (e as Error).message;
          await this.ds.query(`UPDATE led_programs SET last_error = $3 WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version, msg]);
          await this.status(accountId, { last_error: msg, last_error_at: new Date() });
          throw e;
        }
        await this.ds.query(`UPDATE led_programs SET acked_at = now(), last_error = NULL WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version]);
        await this.status(accountId, { last_push_at: new Date(), last_push_version: version.version, last_error: null, last_error_at: null });
        version = await this.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: accountId, version: version.version });
        pushed = true;
      }
      return { version, created, pushed, expired: expired.length };
    });
  }

  /** Whether the controller holds exactly the programs of `version` (uuids are content-addressed). */
  private async holds(client: HuiduClient, version: LedProgram): Promise<boolean> {
    const onDevice = new Set(await client.programIds());
    const expected = version.programs.map((p) => p.uuid);
    return onDevice.size === expected.length && expected.every((u) => onDevice.has(u));
  }

  client(screen: LedScreen, log?: (e: AttemptLog) => Promise<void>): HuiduClient {
    const c = screen.account.credentials;
    return new HuiduClient({ baseUrl: screen.account.baseUrl, deviceId: screen.settings.deviceId, sdkKey: String(c.sdkKey), sdkSecret: String(c.sdkSecret) }, log);
  }

  programScreen(s: LedScreenSettings): ProgramScreen {
    return { width: s.width, height: s.height, lineHeight: this.lineHeight(s), fontName: s.fontName, effect: s.effect };
  }

  /** Active entries whose delivery is still live, with pages re-split if the screen's settings changed. */
  private async programEntries(screen: LedScreen): Promise<ProgramEntry[]> {
    const rows = await this.ds
      .getRepository(LedEntry)
      .createQueryBuilder('e')
      .innerJoin('deliveries', 'd', 'd.id = e.delivery_id')
      .where('e.channelAccountId = :id AND e.status = :st', { id: screen.account.id, st: 'active' })
      .andWhere(`d.state NOT IN ('failed','cancelled','withdrawn')`)
      .getMany();
    const out: ProgramEntry[] = [];
    for (const e of rows) {
      let pages = e.pages;
      const sig = screenSignature(screen.settings, e.colour);
      let colour: string;
      try {
        colour = this.colourHex(screen.settings, e.colour);
        if (e.pagesSig !== sig) {
          const frames = await this.render(screen.settings, e.text, e.colour);
          pages = frames.map((f) => f.text);
          await this.ds.transaction(async (em) => {
            await em.query(`UPDATE led_entries SET pages = $2::jsonb, pages_sig = $3, updated_at = now() WHERE id = $1`, [e.id, JSON.stringify(pages), sig]);
            await this.saveFrames(em, e.id, frames);
          });
        }
      } catch (err) {
        // The screen was reconfigured into one this text cannot fit: leave the entry out, say why.
        this.log.warn({ entryId: e.id, err: (err as Error).message }, 'LED entry cannot be shown on this screen any more');
        continue;
      }
      out.push({
        id: e.id,
        title: e.title,
        pages,
        from: e.displayFrom,
        to: e.displayTo,
        weekdays: e.weekdays,
        hours: e.hours,
        priority: e.priority,
        emergency: e.emergency,
        colour,
        createdAt: e.createdAt,
      });
    }
    return out;
  }

  private status(accountId: string, patch: Record<string, unknown>) {
    return ledScreenStatus(this.ds, accountId, patch);
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
    if (!(await this.holds(this.client(screen, log), candidate))) return null;
    await this.ds.query(`UPDATE led_programs SET acked_at = COALESCE(acked_at, now()) WHERE channel_account_id = $1 AND version = $2`, [candidate.channelAccountId, candidate.version]);
    return this.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: candidate.channelAccountId, version: candidate.version });
  }

  /** Every enabled screen brought up to date (the schedule): expiries, emergency starts and ends, failed pushes. */
  async syncAll(now = new Date()): Promise<{ accountId: string; version?: number; pushed?: boolean; expired?: number; error?: string }[]> {
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM channel_accounts WHERE channel_type = 'led' AND enabled AND status = 'active' ORDER BY id`);
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
    const want = String(screen.account.credentials?.playlistKey ?? '');
    if (!want || !given) return false;
    const a = crypto.createHash('sha256').update(want).digest();
    const b = crypto.createHash('sha256').update(given).digest();
    return crypto.timingSafeEqual(a, b);
  }

  static etag(v: Pick<LedProgram, 'version' | 'hash'>): string {
    return `"v${v.version}-${v.hash.slice(0, 16)}"`;
  }

  /**
   * The playlist a pull-mode player fetches. The screen is synced first (expired entries never reach a
   * player), and the fetch is recorded: a delivery counts as published once a fetched version holds it.
   * An If-None-Match naming the current version answers 304 (and counts as a fetch: the player has it).
   */
  async playlist(screen: LedScreen, ifNoneMatch: string | undefined, apiPrefix: string): Promise<PlaylistAnswer> {
    const { version } = await this.sync(screen.account.id, { screen });
    const etag = LedScreenService.etag(version);
    await this.ds.query(`UPDATE led_programs SET fetched_at = COALESCE(fetched_at, now()) WHERE channel_account_id = $1 AND version = $2`, [screen.account.id, version.version]);
    await this.ds.query(
      `INSERT INTO led_screen_status (channel_account_id, last_fetch_at, last_fetch_version, fetch_count) VALUES ($1, now(), $2, 1)
       ON CONFLICT (channel_account_id) DO UPDATE SET last_fetch_at = now(), last_fetch_version = $2, fetch_count = led_screen_status.fetch_count + 1`,
      [screen.account.id, version.version],
    );
    const tags = (ifNoneMatch ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (tags.includes(etag) || tags.includes('*')) return { status: 304, etag };
    const frames = await this.frameList(version);
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
        frames: frames.map((f) => ({ ...f, url: `${apiPrefix}/led/screens/${screen.account.id}/playlist/frames/${f.n}.png?v=${version.version}`, durationMs: s.effect.hold })),
      },
    };
  }

  /** The frames of a version in play order: n, entry, text. */
  async frameList(version: LedProgram): Promise<LedFrameRef[]> {
    if (!version.entryIds.length) return [];
    const rows: { entry_id: string; n: number; text: string; width: number; height: number }[] = await this.ds.query(
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
  async frame(accountId: string, n: number, versionNo?: number): Promise<Buffer | null> {
    const version = versionNo ? await this.ds.getRepository(LedProgram).findOneBy({ channelAccountId: accountId, version: versionNo }) : await this.latestVersion(accountId);
    if (!version) return null;
    const f = (await this.frameList(version)).find((x) => x.n === n);
    if (!f) return null;
    return this.entryFrame(f.entryId, f.page);
  }

  /** An entry's page PNG; with `accountId`, only when the entry is that screen's. */
  async entryFrame(entryId: string, page: number, accountId?: string): Promise<Buffer | null> {
    const rows = await this.ds.query(
      `SELECT f.png FROM led_entry_frames f JOIN led_entries e ON e.id = f.entry_id WHERE f.entry_id = $1 AND f.n = $2 AND ($3::uuid IS NULL OR e.channel_account_id = $3)`,
      [entryId, page, accountId ?? null],
    );
    return rows[0]?.png ?? null;
  }

  // ------------------------------------------------------------------ operator views

  async listScreens(orgIds: string[]): Promise<LedScreenRow[]> {
    if (!orgIds.length) return [];
    const rows = await this.ds.query(
      `SELECT a.id, a.name, a.organisation_id AS "organisationId", a.enabled, a.status, a.status_reason AS "statusReason", a.settings, a.base_url AS "baseUrl",
              s.last_push_at AS "lastPushAt", s.last_push_version AS "lastPushVersion", s.last_fetch_at AS "lastFetchAt",
              s.last_fetch_version AS "lastFetchVersion", s.last_error AS "lastError", s.last_error_at AS "lastErrorAt",
              (SELECT max(version) FROM led_programs p WHERE p.channel_account_id = a.id) AS "currentVersion",
              (SELECT count(*)::int FROM led_entries e WHERE e.channel_account_id = a.id AND e.status = 'active') AS "activeEntries"
         FROM channel_accounts a LEFT JOIN led_screen_status s ON s.channel_account_id = a.id
        WHERE a.channel_type = 'led' AND a.organisation_id = ANY($1::uuid[]) ORDER BY a.name`,
      [orgIds],
    );
    return rows.map((r: any) => {
      const { settings, problems } = parseLedSettings(r.settings, null, r.baseUrl);
      const { baseUrl, ...rest } = r;
      return {
        ...rest,
        settings: { location: settings.location, width: settings.width, height: settings.height, colourMode: settings.colourMode, protocol: settings.protocol, deviceId: settings.deviceId },
        problems: problems.filter((p) => !p.field.startsWith('credentials')),
      };
    });
  }

  async entries(accountId: string, includeRemoved: boolean): Promise<LedEntryRow[]> {
    const qb = this.ds.getRepository(LedEntry).createQueryBuilder('e').where('e.channelAccountId = :id', { id: accountId });
    if (!includeRemoved) qb.andWhere(`e.status = 'active'`);
    const rows = await qb.orderBy('e.createdAt', 'DESC').limit(200).getMany();
    return rows.map(({ pagesSig, ...e }) => e);
  }
}
