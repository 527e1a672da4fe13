// Pure TypeScript (no imports): the console (apps/console) imports it too.

/** Calendar granularity a period matches exactly ('custom' when it matches none). */
export type Grain = 'Y' | 'Q' | 'M' | 'custom';
