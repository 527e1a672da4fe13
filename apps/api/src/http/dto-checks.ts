import 'reflect-metadata';
import type { FieldProblem } from '@app/common/errors/app-error';

const KEY = 'api:dto-checks';

/** A check over a whole, already validated DTO that can name nested fields (`channelOverrides.weibo.text`). */
export type DtoCheck = (dto: Record<string, unknown>) => FieldProblem[];

/**
 * Attaches checks the global validation pipe runs after class-validator, for rules a property
 * decorator cannot express with the exact field path. Put it on every DTO class that needs it (the
 * mapped types of @nestjs/swagger do not carry class metadata over).
 */
export function DtoChecks(...checks: DtoCheck[]): ClassDecorator {
  return (target) => Reflect.defineMetadata(KEY, [...((Reflect.getOwnMetadata(KEY, target) as DtoCheck[] | undefined) ?? []), ...checks], target);
}

export function dtoChecksOf(metatype: unknown): DtoCheck[] {
  return typeof metatype === 'function' ? ((Reflect.getOwnMetadata(KEY, metatype) as DtoCheck[] | undefined) ?? []) : [];
}
