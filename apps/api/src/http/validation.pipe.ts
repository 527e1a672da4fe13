import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { tooDeepAt } from './json-depth';
import { dtoChecksOf } from './dto-checks';
import { badStrings } from './string-guard';

export { jsonDepthGuard } from './json-depth';

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

/**
 * Path parameters by naming convention: `id` and `…Id` are row ids (UUIDs), `…No` are positive
 * 32-bit numbers (versionNo). A malformed one is a 400 naming the parameter, before any query.
 * Non-id keys use other names (`:lexicon`, `:template`, `:file`).
 */
function paramProblem(name: string, value: unknown): FieldProblem | null {
  if (typeof value !== 'string') return null;
  if ((name === 'id' || /Id$/.test(name)) && !isUuid(value)) return { field: name, reason: 'must be a UUID' };
  if (/No$/.test(name) && !(/^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= 2_147_483_647)) {
    return { field: name, reason: 'must be a whole number from 1 to 2147483647' };
  }
  return null;
}

/**
 * DTO validation: unknown fields and wrong types are refused with field-level details. Before the DTO
 * is even built, every string of a body, query or path parameter is checked for NUL characters and
 * lone surrogates (refused with the field's path), path ids for their form, and bodies for depth
 * (json-depth.ts refuses it earlier for JSON; this covers any other way a deep value arrives).
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const deep = metadata.type === 'body' ? tooDeepAt(value) : null;
      if (deep) throw AppError.validation([{ field: deep, reason: 'nested too deep' }]);
      const problems = badStrings(value, metadata.data ?? '');
      if (problems.length) throw AppError.validation(problems);
      if (metadata.type === 'param' && metadata.data) {
        const p = paramProblem(metadata.data, value);
        if (p) throw AppError.validation([p]);
      }
    }
    const out = await super.transform(value, metadata);
    const checks = dtoChecksOf(metadata.metatype);
    if (checks.length && out && typeof out === 'object') {
      const problems = checks.flatMap((check) => check(out as Record<string, unknown>));
      if (problems.length) throw AppError.validation(problems);
    }
    return out;
  }
}

export function apiValidationPipe() {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => AppError.validation(flatten(errors)),
  });
}
