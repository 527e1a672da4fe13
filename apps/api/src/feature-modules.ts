import type { Type } from '@nestjs/common';

/**
 * Nest modules that add API routes for later capabilities (statistics, operator tools, gazette, LED,
 * compliance...). One line each; order does not matter.
 */
export const FEATURE_MODULES: Type<unknown>[] = [];
