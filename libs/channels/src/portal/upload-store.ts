import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { promises as fs } from 'fs';
import * as path from 'path';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, portalDir } from '@app/common/config/app-config';
import { PermanentError } from '../channel-adapter';
import { isUploadKey, uploadKeyOf } from './upload-keys';
import { writeFileAtomic } from './atomic-write';

/** The private store: DATA_DIR/uploads, never under PORTAL_DIR (which any web server may serve). */
export function privateUploadsDir(config: AppConfig): string {
  const dir = path.resolve(config.DATA_DIR, 'uploads');
  const site = path.resolve(portalDir(config));
  if (dir === site || dir.startsWith(site + path.sep)) {
    throw new Error(`private uploads directory ${dir} lies inside PORTAL_DIR ${site}: set DATA_DIR or PORTAL_DIR so that they do not overlap`);
  }
  return dir;
}

/**
 * Uploads before publication (issue 12: 先审查、后公开). The bytes live in the private store; Postgres
 * knows who uploaded each file and which items use it (item_uploads, kept by a trigger on items).
 * Channel workers read images from here, never from the portal directory or over HTTP.
 */
@Injectable()
export class UploadStore {
  readonly root: string;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {
    this.root = privateUploadsDir(config);
  }

  filePath(key: string): string {
    if (!isUploadKey(key)) throw new Error(`not an upload key: ${key}`);
    return path.join(this.root, key);
  }

  async write(key: string, data: Buffer): Promise<void> {
    await writeFileAtomic(this.filePath(key), data);
  }

  /** Removes a file's bytes (a file no item came to use); a file already gone is fine. */
  async remove(key: string): Promise<void> {
    await fs.rm(this.filePath(key), { force: true });
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.filePath(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Keys of the uploads an item is recorded as using (its organisation's or a related one's only). */
  async keysOfItem(itemId: string, em?: Pick<EntityManager, 'query'>): Promise<Set<string>> {
    const rows: { upload_key: string }[] = await (em ?? this.ds).query(`SELECT upload_key FROM item_uploads WHERE item_id = $1`, [itemId]);
    return new Set(rows.map((r) => r.upload_key));
  }

  /**
   * For channel adapters' image loaders: the bytes of a private upload the item uses; null when `src`
   * is not a private upload URL (the loader then fetches it as before). A private upload the item is
   * not recorded as using is refused: a pasted key grants nothing.
   */
  imageReader(itemId: string): (src: string) => Promise<Buffer | null> {
    let keys: Promise<Set<string>> | null = null;
    return async (src: string) => {
      const key = uploadKeyOf(src);
      if (!key) return null;
      keys ??= this.keysOfItem(itemId);
      if (!(await keys).has(key)) throw new PermanentError('IMAGE_NOT_FOUND', `图片不属于本信息或已不存在：${src}`);
      const buf = await this.read(key);
      if (!buf) throw new PermanentError('IMAGE_NOT_FOUND', `图片文件不存在：${src}`);
      return buf;
    };
  }
}
