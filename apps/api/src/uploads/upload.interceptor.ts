import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import multer from 'multer';
import { Observable } from 'rxjs';
import { AppError } from '@app/common/errors/app-error';
import { MAX_UPLOAD_BYTES } from './upload-limits';

/**
 * Reads one multipart file (field `file`) into memory. Runs after the auth guard, so an anonymous
 * request is refused before its body is read. Multer's own errors become the API's error shape with the
 * field named, instead of a bare 413/400.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly middleware = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 10_000 },
    // Browsers send the file name's UTF-8 bytes without a charset; latin1 would garble 中文 names.
    defParamCharset: 'utf8',
  }).single('file');

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = ctx.switchToHttp();
    await new Promise<void>((resolve, reject) =>
      this.middleware(http.getRequest(), http.getResponse(), (err: unknown) => (err ? reject(mapMulterError(err)) : resolve())),
    );
    return next.handle();
  }
}

function mapMulterError(err: unknown): AppError {
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE') {
    return new AppError(413, 'FILE_TOO_LARGE', `文件过大，单个文件不能超过${Math.round(MAX_UPLOAD_BYTES / 1024 / 1024)}MB`, [
      { field: 'file', reason: `larger than ${MAX_UPLOAD_BYTES} bytes` },
    ]);
  }
  if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') {
    return AppError.badRequest('UPLOAD_FIELD', '请用字段 file 上传一个文件', [{ field: 'file', reason: 'exactly one file in field "file"' }]);
  }
  if (code?.startsWith('LIMIT_')) return AppError.badRequest('UPLOAD_LIMIT', '上传请求超出限制', [{ field: 'file', reason: code }]);
  return AppError.badRequest('MALFORMED_UPLOAD', '上传请求格式有误（须为 multipart/form-data）', [
    { field: 'file', reason: (err as Error).message ?? 'malformed multipart body' },
  ]);
}
