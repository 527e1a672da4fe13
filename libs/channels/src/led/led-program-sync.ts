import { AttemptLog, PermanentError, UnknownOutcomeError } from '../channel-adapter';
import { HuiduClient } from './huidu-client';
import { buildProgram } from './led-program';
import { LedProgram } from './led-program.entity';
import { activeProgramEntries } from './led-entry-store';
import type { LedScreen, LedScreenService, SyncResult } from './led-screen.service';
import { buildNovastarProgram } from './novastar-program';
import { ledScreenStatus, pushNovastar } from './novastar-sync';

// Bringing a screen's program up to date (LedScreenService.sync) and asking a Huidu controller whether
// it holds a version.

/** Program versions kept per screen. */
const KEEP_VERSIONS = 50;

export type LedSyncOptions = { force?: boolean; log?: (e: AttemptLog) => Promise<void>; now?: Date; screen?: LedScreen };

/**
 * The body of LedScreenService.sync, run under the screen's lock: expired entries leave, a changed
 * program becomes a new version, and the version is pushed (Huidu) or posted (NovaStar).
 */
export async function syncLedProgram(screens: LedScreenService, accountId: string, o: LedSyncOptions): Promise<SyncResult> {
  const screen = o.screen ?? (await screens.screen(accountId));
  if (screen.problems.length) {
    throw new PermanentError('LED_SCREEN_MISCONFIGURED', `LED屏设置有误（请联系管理员）：${screen.problems.map((p) => `${p.field} ${p.reason}`).join('；')}`);
  }
  const s = screen.settings;
  const now = o.now ?? new Date();
  const expired = await screens.ds.query(
    `UPDATE led_entries SET status = 'expired', removed_at = now(), removed_reason = '显示时段结束', updated_at = now()
      WHERE channel_account_id = $1 AND status = 'active' AND display_to <= $2 RETURNING id`,
    [accountId, now],
  );
  const entries = await activeProgramEntries(screens, screen);
  const built = (s.protocol === 'novastar' ? buildNovastarProgram : buildProgram)(screens.programScreen(s), entries, now);
  let version = await screens.latestVersion(accountId);
  let created = false;
  if (!version || version.hash !== built.hash) {
    const frameCount = built.entryIds.reduce((n, id) => n + (entries.find((e) => e.id === id)?.pages.length ?? 0), 0);
    const next = (version?.version ?? 0) + 1;
    await screens.ds.getRepository(LedProgram).insert({
      channelAccountId: accountId,
      version: next,
      hash: built.hash,
      programs: built.programs,
      entryIds: built.entryIds,
      frameCount,
      emergency: built.emergency,
    });
    await screens.ds.query(`DELETE FROM led_programs WHERE channel_account_id = $1 AND version <= $2`, [accountId, next - KEEP_VERSIONS]);
    version = await screens.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: accountId, version: next });
    created = true;
  }
  let pushed = false;
  // A controller we never gave anything keeps what the hall put on it until there is something to show.
  const untouched =
    !version.programs.length &&
    !(await screens.ds.query(`SELECT 1 FROM led_programs WHERE channel_account_id = $1 AND acked_at IS NOT NULL LIMIT 1`, [accountId])).length;
  const sent = s.protocol === 'novastar' && !untouched ? await pushNovastar(screens.ds, screen, version, entries, now, o) : null;
  if (sent) [version, pushed] = [sent, true];
  if (s.protocol === 'huidu' && (!version.ackedAt || o.force) && !untouched) {
    const client = screens.client(screen, o.log);
    try {
      await screens.ds.query(`UPDATE led_programs SET pushed_at = now() WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version]);
      await client.replace(version.programs).catch(async (e) => {
        // The answer was lost: if the controller holds exactly this program, the push went through.
        if (!(e instanceof UnknownOutcomeError) || !(await holdsProgram(client, version!).catch(() => false))) throw e;
        await o.log?.({ call: 'program getAll', response: `controller holds program v${version!.version}: the lost replace took effect` });
      });
    } catch (e) {
      const msg = (e as Error).message;
      await screens.ds.query(`UPDATE led_programs SET last_error = $3 WHERE channel_account_id = $1 AND version = $2`, [accountId, version.version, msg]);
      await ledScreenStatus(screens.ds, accountId, { last_error: msg, last_error_at: new Date() });
      throw e;
    }
    await screens.ds.query(`UPDATE led_programs SET acked_at = now(), last_error = NULL WHERE channel_account_id = $1 AND version = $2`, [
      accountId,
      version.version,
    ]);
    await ledScreenStatus(screens.ds, accountId, { last_push_at: new Date(), last_push_version: version.version, last_error: null, last_error_at: null });
    version = await screens.ds.getRepository(LedProgram).findOneByOrFail({ channelAccountId: accountId, version: version.version });
    pushed = true;
  }
  return { version, created, pushed, expired: expired.length };
}

/** Whether the controller holds exactly the programs of `version` (uuids are content-addressed). */
export async function holdsProgram(client: HuiduClient, version: LedProgram): Promise<boolean> {
  const onDevice = new Set(await client.programIds());
  const expected = version.programs.map((p) => p.uuid);
  return onDevice.size === expected.length && expected.every((u) => onDevice.has(u));
}
