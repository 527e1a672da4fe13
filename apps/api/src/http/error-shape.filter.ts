import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';

const log = componentLogger('http');

const DEFAULT_MESSAGES: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', '请求有误'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '没有权限执行此操作'],
  404: ['NOT_FOUND', '资源不存在'],
  409: ['CONFLICT', '操作冲突，请刷新后重试'],
  413: ['PAYLOAD_TOO_LARGE', '上传内容过大'],
  429: ['TOO_MANY_REQUESTS', '请求过于频繁'],
};

/** The API's one error shape: {statusCode, code, message, details}. */
@Catch()
export class ErrorShapeFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let code = 'INTERNAL';
    let message = '服务器内部错误，请稍后重试或联系管理员';
    let details: unknown = [];
    if (exception instanceof AppError) {
      status = exception.status;
      code = exception.code;
      message = exception.message;
      details = exception.details;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      [code, message] = DEFAULT_MESSAGES[status] ?? ['HTTP_' + status, exception.message];
      const body = exception.getResponse();
      if (status === 400 && typeof body === 'object' && body && 'message' in body) {
        const m = (body as { message: unknown }).message;
        details = Array.isArray(m) ? m.map((x) => ({ field: 'body', reason: String(x) })) : [{ field: 'body', reason: String(m) }];
      }
    } else if ((exception as { type?: string })?.type === 'entity.parse.failed') {
      status = 400;
      code = 'MALFORMED_JSON';
      message = '请求体不是有效的 JSON';
      details = [{ field: 'body', reason: 'malformed JSON' }];
    } else {
      log.error({ err: (exception as Error)?.message, stack: (exception as Error)?.stack }, 'unhandled error');
    }
    if (!res.headersSent) res.status(status).json({ statusCode: status, code, message, details });
  }
}
