import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldProblem } from '@app/common/errors/app-error';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, msg] of Object.entries(e.constraints ?? {})) {
      out.push({ field, reason: rule === 'whitelistValidation' ? 'unknown field' : msg.replace(/^\S+\s/, '') });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** DTO validation: unknown fields and wrong types are refused with field-level details. */
export function apiValidationPipe() {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => AppError.validation(flatten(errors)),
  });
}
