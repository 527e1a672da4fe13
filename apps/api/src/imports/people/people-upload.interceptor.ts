import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import multer from 'multer';
import { Observable } from 'rxjs';
import { AppError } from '@app/common/errors/app-error';

/** The largest workbook an import takes (a province's staff list is a few hundred kilobytes). */
export const MAX_PEOPLE_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Reads the one multipart file (field `file`) into memory after the auth guard; multer's errors become
 * the API's error shape (400/413 naming `file`), never a 500.
 */
@Injectable()
export class PeopleUploadInterceptor implements NestInterceptor {
  private readonly middleware = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_PEOPLE_FILE_BYTES, files: 1, fields: 5, fieldSize: 1000 },
    defParamCharset: 'utf8',
  }).single('file');

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = ctx.switchToHttp();
    await new Promise<void>((resolve, reject) =>
      this.middleware(http.getRequest(), http.getResponse(), (err: unknown) => (err ? reject(mapError(err)) : resolve())),
    );
    return next.handle();
  }
}

function mapError(err: unknown): AppError {
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE')
    return new AppError(413, 'FILE_TOO_LARGE', `文件过大，导入文件不能超过 ${MAX_PEOPLE_FILE_BYTES / 1024 / 1024}MB`, [{ field: 'file', reason: '文件过大' }]);
  if (code?.startsWith('LIMIT_'))
    return AppError.badRequest('UPLOAD_FIELD', '请用字段 file 上传一个 XLSX 文件', [{ field: 'file', reason: '只能上传一个文件' }]);
  return AppError.badRequest('MALFORMED_UPLOAD', '上传请求格式有误（须为 multipart/form-data）', [{ field: 'file', reason: '上传请求格式有误' }]);
}
