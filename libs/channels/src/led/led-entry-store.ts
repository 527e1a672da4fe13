import { DataSource, EntityManager } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { LedFrame } from '@app/media/led/led-text.renderer';
import { LedDisplay } from './led-display';
import { LedEntry } from './led-entry.entity';
import { ProgramEntry } from './led-program';
import type { LedScreen, LedScreenService } from './led-screen.service';
import { screenSignature } from './led-settings';

// A screen's entries as stored: a delivery's entry with its rendered pages, and the active entries a
// program is built from (pages re-rendered when the screen's settings changed). Used by LedScreenService.

const log = componentLogger('led');

/** What a delivery puts on a screen. */
export interface NewLedEntry {
  deliveryId: string;
  version: ItemSnapshot;
  display: LedDisplay;
  frames: LedFrame[];
}

/**
 * Stores a delivery's entry (the caller holds the screen's lock and has checked there is none yet): a
 * newer version of the item supersedes an older entry; an older version arriving late is stored superseded.
 */
export async function insertLedEntry(ds: DataSource, screen: LedScreen, o: NewLedEntry): Promise<LedEntry> {
  const accountId = screen.account.id;
  return ds.transaction(async (em) => {
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
    await saveLedFrames(em, entry.id, o.frames);
    return entry;
  });
}

export async function saveLedFrames(em: Pick<EntityManager, 'query'>, entryId: string, frames: LedFrame[]) {
  await em.query(`DELETE FROM led_entry_frames WHERE entry_id = $1`, [entryId]);
  for (const [i, f] of frames.entries()) {
    await em.query(`INSERT INTO led_entry_frames (entry_id, n, png, width, height, text) VALUES ($1, $2, $3, $4, $5, $6)`, [
      entryId,
      i + 1,
      f.png,
      f.width,
      f.height,
      f.text,
    ]);
  }
}

/** Active entries whose delivery is still live, with pages re-split if the screen's settings changed. */
export async function activeProgramEntries(screens: LedScreenService, screen: LedScreen): Promise<ProgramEntry[]> {
  const rows = await screens.ds
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
      colour = screens.colourHex(screen.settings, e.colour);
      if (e.pagesSig !== sig) {
        const frames = await screens.render(screen.settings, e.text, e.colour);
        pages = frames.map((f) => f.text);
        await screens.ds.transaction(async (em) => {
          await em.query(`UPDATE led_entries SET pages = $2::jsonb, pages_sig = $3, updated_at = now() WHERE id = $1`, [e.id, JSON.stringify(pages), sig]);
          await saveLedFrames(em, e.id, frames);
        });
      }
    } catch (err) {
      // The screen was reconfigured into one this text cannot fit: leave the entry out, say why.
      log.warn({ entryId: e.id, err: (err as Error).message }, 'LED entry cannot be shown on this screen any more');
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
