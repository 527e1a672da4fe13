import type { Type } from '@nestjs/common';

/** Nest modules with worker-side jobs of later capabilities (schedules, deadline checks...). One line each. */
export const WORKER_FEATURE_MODULES: Type<unknown>[] = [];
