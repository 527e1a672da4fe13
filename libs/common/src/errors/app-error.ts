import { HttpStatus } from '@nestjs/common';
import type { FieldProblem } from './field-problem.types';

export type { FieldProblem };

/**
 * The one error type domain code throws. `code` is a stable machine-readable identifier (English,
 * SCREAMING_SNAKE); `message` is what an operator reads (Simplified Chinese); `details` carries
 * field-level reasons. The api's exception filter turns it into {statusCode, code, message, details}.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: FieldProblem[] | Record<string, unknown> = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(code: string, message: string, details: FieldProblem[] = []) {
    return new AppError(HttpStatus.BAD_REQUEST, code, message, details);
  }
  static validation(details: FieldProblem[]) {
    const first = details[0];
    const msg = first ? `输入有误：${first.field} ${first.reason}` : '输入有误';
    return new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', msg, details);
  }
  static notFound(what: string, id: string | number) {
    return new AppError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${what}不存在：${id}`, [{ field: 'id', reason: 'not found' }]);
  }
  static forbidden(code: string, message: string) {
    return new AppError(HttpStatus.FORBIDDEN, code, message);
  }
  static conflict(code: string, message: string, details: FieldProblem[] = []) {
    return new AppError(HttpStatus.CONFLICT, code, message, details);
  }
  static unprocessable(code: string, message: string, details: FieldProblem[] | Record<string, unknown> = []) {
    return new AppError(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
}
