import { DataSource } from 'typeorm';
import { AttemptLog, DeliveryContext, ManualCheckError, ReconcileResult, UnknownOutcomeError } from '../channel-adapter';
import type { LedEntry } from './led-entry.entity';
import type { ProgramEntry } from './led-program';
import { LedProgram } from './led-program.entity';
import type { LedScreen, LedScreenService } from './led-screen.service';
import { NovastarClient, NovastarJobResult, playerFailure } from './novastar-client';
import { emergencyBody, normalProgramBody, selectNovastar } from './novastar-program';

/**
 * Sending a screen's version to the VNNOX cloud and reading what can be proven about it (NOVASTAR.md):
 * - acked_at on a version = the cloud put every player of the screen in `success` for each call of
 *   that version (normal program; emergency insert or cancel). That is acceptance, not display.
 * - pushed_at without acked_at = a send whose answer was lost (or a crash mid-send). The open API has
 *   no call that shows a player's program, so that outcome cannot be proven: it is never sent again
 *   automatically (ManualCheckError) — a new version (something else to show) or the operator's
 *   "立即更新" (force) sends again.
 */

export function novastarClient(screen: LedScreen, log?: (e: AttemptLog) => Promise<void>): NovastarClient {
  const c = screen.account.credentials ?? {};
  return new NovastarClient({ baseUrl: screen.account.baseUrl, appKey: String(c.appKey), appSecret: String(c.appSecret) }, log);
}

export const NOVASTAR_UNKNOWN_MESSAGE =
  '诺瓦VNNOX云平台未返回结果，无法确认节目是否已被接受（开放接口无法查询播放器当前节目）。请在 VNNOX 中核对该屏节目，确认后在LED屏页面点击“立即更新”重新推送，或在投递记录中标记已发布';

/** Sends `version` (not yet accepted, or forced) to the cloud; returns the version as stored afterwards, or null when nothing was sent. */
export async function pushNovastar(
  ds: DataSource,
  screen: LedScreen,
  version: LedProgram,
  entries: ProgramEntry[],
  now: Date,
  o: { force?: boolean; log?: (e: AttemptLog) => Promise<void> },
): Promise<LedProgram | null> {
  const accountId = screen.account.id;
  if (version.ackedAt && !o.force) return null;
  if (version.pushedAt && !o.force) throw new ManualCheckError('NOVASTAR_OUTCOME_UNKNOWN', NOVASTAR_UNKNOWN_MESSAGE);
  const ns = screen.settings.novastar!;
  const key = String(screen.account.credentials?.playlistKey ?? '');
  const hold = screen.settings.effect.hold;
  const sel = selectNovastar(entries, now);
  const client = novastarClient(screen, o.log);
  // The emergency the players may still be playing: the last accepted version's, if it has not ended.
  const prev: { emergency: boolean; end: Date | null }[] = await ds.query(
    `SELECT p.emergency, (SELECT max(e.display_to) FROM led_entries e WHERE e.id = ANY(p.entry_ids)) AS "end"
       FROM led_programs p WHERE p.channel_account_id = $1 AND p.version < $2 AND p.acked_at IS NOT NULL ORDER BY p.version DESC LIMIT 1`,
    [accountId, version.version],
  );
  const set = (sql: string, ...args: unknown[]) =>
    ds.query(`UPDATE led_programs SET ${sql} WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version, ...args]);
  await set('pushed_at = now()');
  try {
    const failed = (r: NovastarJobResult) => ns.playerIds.filter((id) => !r.success.includes(id) || r.fail.includes(id));
    const must = async (r: NovastarJobResult, what: string) => {
      const bad = failed(r);
      if (bad.length) throw playerFailure(bad, (await client.players().catch(() => null))?.map((p) => String(p.playerId)) ?? null, what);
    };
    await must(await client.normalProgram(normalProgramBody(ns, accountId, key, sel, hold)), '节目');
    if (sel.emergencies.length) {
      await must(await client.emergency(emergencyBody(ns, accountId, key, sel, hold, now)), '紧急插播');
    } else if (prev[0]?.emergency && prev[0].end && new Date(prev[0].end).getTime() > now.getTime()) {
      const r = await client.cancelEmergency(ns.playerIds);
      // A player in `fail` here has nothing inserted any more (its own duration ended it): nothing to undo.
      if (failed(r).length) await o.log?.({ call: 'emergency cancel', response: `nothing to cancel on ${failed(r).join(',')}` });
    }
  } catch (e) {
    // Only a lost answer leaves pushed_at: a refused send is known not to have been taken.
    if (!(e instanceof UnknownOutcomeError)) await set('pushed_at = NULL');
    const msg = (e as Error).message;
    await set('last_error = $3', msg);
    await ledScreenStatus(ds, accountId, { last_error: msg, last_error_at: new Date() });
    throw e instanceof UnknownOutcomeError ? new UnknownOutcomeError('NOVASTAR_OUTCOME_UNKNOWN', `${msg}；${NOVASTAR_UNKNOWN_MESSAGE}`) : e;
  }
  await set('acked_at = now(), last_error = NULL');
  await ledScreenStatus(ds, accountId, { last_push_at: new Date(), last_push_version: version.version, last_error: null, last_error_at: null });
  return ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: accountId, version: version.version });
}

/** Upserts the screen's status row (shared with LedScreenService). */
export async function ledScreenStatus(ds: DataSource, accountId: string, patch: Record<string, unknown>) {
  const keys = Object.keys(patch);
  await ds.query(`INSERT INTO led_screen_status (channel_account_id) VALUES ($1) ON CONFLICT (channel_account_id) DO NOTHING`, [accountId]);
  await ds.query(`UPDATE led_screen_status SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE channel_account_id = $1`, [
    accountId,
    ...keys.map((k) => patch[k]),
  ]);
}

/**
 * Evidence that a version accepted by the cloud reached the screen: every player of the screen
 * reports online (online-status) after the acceptance. The cloud delivers jobs to online players; the
 * open API offers nothing closer to "shown" (running-status needs a public callback: NOVASTAR.md §1.3).
 */
export async function novastarPlayersOnline(screen: LedScreen, log?: (e: AttemptLog) => Promise<void>): Promise<{ online: boolean; offline: string[] }> {
  const ids = screen.settings.novastar!.playerIds;
  const st = await novastarClient(screen, log).onlineStatus(ids);
  const offline = ids.filter((id) => !st.some((s) => s.playerId === id && s.online));
  return { online: offline.length === 0, offline };
}

/**
 * After a lost answer: published if a version holding the entry was accepted and the players are
 * online since; not sent at all (no version holding it was ever sent) → deliver again; otherwise the
 * outcome cannot be proven (the open API cannot show a player's program) → a person checks.
 */
export async function reconcileNovastar(
  screens: LedScreenService,
  ctx: DeliveryContext,
  entry: LedEntry,
  shown: () => Promise<{ externalId: string } | null>,
): Promise<ReconcileResult> {
  const done = await shown();
  if (done) return { found: true, status: 'published', externalId: done.externalId, externalUrl: null };
  const sent = await screens.ds.query(
    `SELECT 1 FROM led_programs WHERE channel_account_id = $1 AND $2 = ANY(entry_ids) AND pushed_at IS NOT NULL AND acked_at IS NULL LIMIT 1`,
    [ctx.account.id, entry.id],
  );
  if (sent.length) throw new ManualCheckError('NOVASTAR_OUTCOME_UNKNOWN', NOVASTAR_UNKNOWN_MESSAGE);
  return { found: false };
}
