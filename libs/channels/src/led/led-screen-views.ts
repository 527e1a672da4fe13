import { DataSource } from 'typeorm';
import { LedEntry } from './led-entry.entity';
import type { LedEntryRow, LedScreenRow } from './led-reads.types';
import { parseLedSettings } from './led-settings';

// What the operator's screens API lists (LedScreenService.listScreens, entries).

/** The screens of these organisations with their last push or fetch and current program. */
export async function listLedScreens(ds: DataSource, orgIds: string[]): Promise<LedScreenRow[]> {
  if (!orgIds.length) return [];
  const rows = await ds.query(
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
      settings: {
        location: settings.location,
        width: settings.width,
        height: settings.height,
        colourMode: settings.colourMode,
        protocol: settings.protocol,
        deviceId: settings.deviceId,
      },
      problems: problems.filter((p) => !p.field.startsWith('credentials')),
    };
  });
}

/** A screen's entries, newest first (200 at most); removed ones too when asked. */
export async function listLedEntries(ds: DataSource, accountId: string, includeRemoved: boolean): Promise<LedEntryRow[]> {
  const qb = ds.getRepository(LedEntry).createQueryBuilder('e').where('e.channelAccountId = :id', { id: accountId });
  if (!includeRemoved) qb.andWhere(`e.status = 'active'`);
  const rows = await qb.orderBy('e.createdAt', 'DESC').limit(200).getMany();
  return rows.map(({ pagesSig, ...e }) => e);
}
