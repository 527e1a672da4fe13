import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { sniffFile } from './file-sniff';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from './upload-limits';
import type { UploadedFileInfo } from './uploaded-file.types';

export interface IncomingFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

/**
 * Stores images and attachments under the portal directory (uploads/YYYY/MM/) so the portal serves
 * them and every channel adapter can fetch them by the public URL, the same way it would in production.
 * File names on disk are random; the original name is returned for display.
 */
@Injectable()
export class UploadsService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
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
        throw new AppError(413, 'IMAGE_TOO_LARGE', `图片过大，不能超过${MAX_IMAGE_BYTES / 1024 / 1024}MB`, [{ field: 'file', reason: `larger than ${MAX_IMAGE_BYTES} bytes` }]);
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
        throw AppError.unprocessable('IMAGE_TOO_MANY_PIXELS', `图片像素过多（${width}×${height}），请缩小后再上传`, [{ field: 'file', reason: `more than ${MAX_IMAGE_PIXELS} pixels` }]);
      }
    }
    const now = new Date();
    const rel = path.posix.join('uploads', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), `${randomBytes(12).toString('hex')}.${sniffed.ext}`);
    const target = path.join(portalDir(this.config), rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Temp + rename: the public URL never serves a half-written file.
    const tmp = `${target}.${process.pid}.tmp`;
    await fs.writeFile(tmp, file.buffer);
    await fs.rename(tmp, target);
    const url = `${portalBaseUrl(this.config)}/${rel}`;
    await this.audit.record(this.ds.manager, { actorId: user.id, action: 'upload.create', entityType: 'upload', entityId: rel, details: { name, mime: sniffed.mime, size: file.size } });
    return { url, name, mime: sniffed.mime, size: file.size, kind: sniffed.kind, ...(width ? { width, height } : {}) };
  }
}

function cleanName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim();
  return (base || 'file').slice(0, 200);
}
