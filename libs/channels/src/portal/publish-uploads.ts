import { promises as fs } from 'fs';
import * as path from 'path';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { writeFileAtomic } from './atomic-write';
import { rewriteUploadUrls, uploadKeyOf, uploadKeysIn } from './upload-keys';
import type { UploadStore } from './upload-store';

type Published = Pick<ItemSnapshot, 'itemId' | 'bodyHtml' | 'attachments'>;

/**
 * The version as a public site shows it: the private uploads the item is recorded as using point at
 * their public copies under `<siteBaseUrl>/uploads/<key>`. Returns the keys so the caller can copy
 * them. Private URLs of uploads the item does not own are left as they are (a dead link, never a leak).
 */
export async function publicUploadsOf<T extends Published>(store: UploadStore, v: T, siteBaseUrl: string): Promise<{ snapshot: T; keys: string[] }> {
  const own = await store.keysOfItem(v.itemId);
  const used = [...uploadKeysIn(v.bodyHtml), ...v.attachments.map((a) => uploadKeyOf(a.url)).filter((k): k is string => !!k)];
  const keys = [...new Set(used.filter((k) => own.has(k)))];
  if (!keys.length) return { snapshot: v, keys };
  const set = new Set(keys);
  const to = (key: string) => `${siteBaseUrl.replace(/\/+$/, '')}/uploads/${key}`;
  return {
    snapshot: {
      ...v,
      bodyHtml: rewriteUploadUrls(v.bodyHtml, set, to),
      attachments: v.attachments.map((a) => {
        const k = uploadKeyOf(a.url);
        return k && set.has(k) ? { ...a, url: to(k) } : a;
      }),
    },
    keys,
  };
}

/** Copies a private upload into a site directory (uploads/<key>) unless it is there already. */
export async function copyUploadInto(store: UploadStore, key: string, dest: string): Promise<void> {
  if (
    await fs.stat(dest).then(
      () => true,
      () => false,
    )
  )
    return;
  const buf = await store.read(key);
  if (!buf) throw Object.assign(new Error(`upload ${key} is missing from the private store`), { code: 'UPLOAD_MISSING' });
  await writeFileAtomic(dest, buf);
}

/**
 * For publications that stay on the site for good (the gazette: an issue never changes, errata are
 * printed instead of withdrawals): rewrites the version to the public copies and copies them into the
 * site directory.
 */
export async function publishUploadsInto<T extends Published>(store: UploadStore, v: T, siteDir: string, siteBaseUrl: string): Promise<T> {
  const { snapshot, keys } = await publicUploadsOf(store, v, siteBaseUrl);
  for (const key of keys) await copyUploadInto(store, key, path.join(siteDir, 'uploads', key));
  return snapshot;
}
