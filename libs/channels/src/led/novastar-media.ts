import sharp from 'sharp';
import { isUuid } from '@app/common/ids/is-uuid';
import type { LedScreen, LedScreenService } from './led-screen.service';

/**
 * The PNGs a NovaStar player downloads (the VNNOX open API takes media only as URLs: NOVASTAR.md §1.3):
 * `<mediaBaseUrl>/led/screens/<id>/media/<entryId>/<page>.png?key=<playlistKey>` — an entry's page as
 * rendered for this screen — and `…/media/blank.png` (a black screen, sent when nothing is to be shown,
 * because no call to clear a normal program is documented). The key is the screen's own playlistKey,
 * checked like a pull player's; only entries of that screen are served.
 */
export async function novastarMedia(screens: LedScreenService, screen: LedScreen, entryId: string | 'blank', page: number): Promise<Buffer | null> {
  if (entryId === 'blank') {
    const { width, height } = screen.settings;
    return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
  }
  if (!isUuid(entryId)) return null;
  return screens.entryFrame(entryId, page, screen.account.id);
}
