import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'crypto';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { isUploadKey, privateUploadUrl } from '@app/channels/portal/upload-keys';
import { UploadStore } from '@app/channels/portal/upload-store';
import { sniffFile } from './file-sniff';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from './upload-limits';
import type { UploadedFileInfo } from './uploaded-file.types';

export interface IncomingFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

/** An upload as the private route serves it. */
export interface StoredUpload {
  key: string;
  name: string;
  mime: string;
  kind: 'image' | 'document';
  data: Buffer;
}

/**
 * Stores images and attachments in the private store (DATA_DIR/uploads/YYYY/MM/<random>.<ext>), never
 * in the portal directory: an upload is public only once a version that uses it is published to the
 * portal, which copies it there (先审查、后公开). Items refer to it by its private URL
 * /api/v1/uploads/<key>, served to signed-in users who may see an item that uses it, or, while no item
 * does, to its uploader and users with a role over the uploader's organisations.
 */
@Injectable()
export class UploadsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly files: UploadStore,
  ) {}

  async store(user: AuthUser, file: IncomingFile | undefined, purpose: string | undefined): Promise<UploadedFileInfo> {
    if (!file) throw AppError.validation([{ field: 'file', reason: '请选择要上传的文件' }]);
    if (purpose !== undefined && purpose !== 'image' && purpose !== 'attachment') {
      throw AppError.validation([{ field: 'purpose', reason: 'must be image or attachment' }]);
    }
    const name = cleanName(file.originalname);
    if (!file.size) throw AppError.validation([{ field: 'file', reason: '文件为空' }]);
    const sniffed = sniffFile(file.buffer, name);
    const wantImage = purpose !== 'attachment';
    if (!sniffed || (wantImage && sniffed.kind !== 'image')) {
      throw AppError.unprocessable(
        'UNSUPPORTED_FILE_TYPE',
        wantImage ? '不是可用的图片：只接受 JPEG、PNG、GIF、WebP 图片' : '不支持的附件类型：只接受 PDF、OFD、Word、Excel、WPS、图片、压缩包和纯文本',
        [{ field: 'file', reason: `unrecognised content (${name})` }],
      );
    }
    let width: number | undefined;
    let height: number | undefined;
    if (sniffed.kind === 'image') {
      if (file.size > MAX_IMAGE_BYTES) {
        throw new AppError(413, 'IMAGE_TOO_LARGE', `图片过大，不能超过${MAX_IMAGE_BYTES / 1024 / 1024}MB`, [
          { field: 'file', reason: `larger than ${MAX_IMAGE_BYTES} bytes` },
        ]);
      }
      try {
        // Header only: proves the image parses and tells its canvas size without decoding the pixels.
        const meta = await sharp(file.buffer, { limitInputPixels: false }).metadata();
        width = meta.width;
        height = meta.height;
      } catch (e) {
        throw AppError.unprocessable('CORRUPT_IMAGE', '图片已损坏或无法识别', [{ field: 'file', reason: (e as Error).message }]);
      }
      if (!width || !height) throw AppError.unprocessable('CORRUPT_IMAGE', '图片已损坏或无法识别', [{ field: 'file', reason: 'no dimensions' }]);
      if (width * height > MAX_IMAGE_PIXELS) {
        throw AppError.unprocessable('IMAGE_TOO_MANY_PIXELS', `图片像素过多（${width}×${height}），请缩小后再上传`, [
          { field: 'file', reason: `more than ${MAX_IMAGE_PIXELS} pixels` },
        ]);
      }
    }
    const now = new Date();
    const key = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomBytes(12).toString('hex')}.${sniffed.ext}`;
    // Temp + rename: the private route never serves a half-written file.
    await this.files.write(key, file.buffer);
    const orgs = [...new Set(user.roles.map((r) => r.organisationId))];
    await this.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO uploads (key, name, mime, kind, size, width, height, uploaded_by, organisation_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[])`,
        [key, name, sniffed.mime, sniffed.kind, file.size, width ?? null, height ?? null, user.id, orgs],
      );
      await this.audit.record(em, {
        actorId: user.id,
        action: 'upload.create',
        entityType: 'upload',
        entityId: key,
        details: { name, mime: sniffed.mime, size: file.size },
      });
    });
    return { url: privateUploadUrl(key), name, mime: sniffed.mime, size: file.size, kind: sniffed.kind, ...(width ? { width, height } : {}) };
  }

  /**
   * The upload behind a private URL, if this user may read it: the uploader; a user with a role over
   * one of the uploader's organisations; a user who may see an item that uses it (a role over the
   * item's organisation). Anything else is "not found", so the route tells nothing about other files.
   */
  async read(user: AuthUser, key: string): Promise<StoredUpload> {
    const notFound = () => AppError.notFound('文件', key);
    if (!isUploadKey(key)) throw notFound();
    const roleOrgs = [...new Set(user.roles.map((r) => r.organisationId))];
    const rows: { key: string; name: string; mime: string; kind: 'image' | 'document' }[] = await this.ds.query(
      `SELECT u.key, u.name, u.mime, u.kind FROM uploads u
        WHERE u.key = $1 AND (
          u.uploaded_by = $2
          OR EXISTS (SELECT 1 FROM organisations o WHERE o.id = ANY(u.organisation_ids)
                       AND EXISTS (SELECT 1 FROM unnest($3::text[]) r WHERE strpos(o.path, '/' || r || '/') > 0))
          OR EXISTS (SELECT 1 FROM item_uploads iu JOIN items i ON i.id = iu.item_id JOIN organisations o ON o.id = i.organisation_id
                      WHERE iu.upload_key = u.key
                        AND EXISTS (SELECT 1 FROM unnest($3::text[]) r WHERE strpos(o.path, '/' || r || '/') > 0)))`,
      [key, user.id, roleOrgs],
    );
    if (!rows[0]) throw notFound();
    const data = await this.files.read(key);
    if (!data) throw notFound();
    return { ...rows[0], data };
  }
}

function cleanName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .trim();
  return (base || 'file').slice(0, 200);
}
