/**
 * Entities owned by other libraries (stats rollups, gazette issues, LED screens, ...), registered
 * here so that every process's DataSource knows them. Append; keep one line per entity.
 */
export const EXTRA_ENTITIES: Function[] = [];
