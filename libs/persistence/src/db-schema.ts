/**
 * What one library contributes to the database: its entity classes and its migrations. Each library
 * that owns tables exports one (`DOMAIN_SCHEMA`, `CHANNELS_SCHEMA`, `STATS_SCHEMA`...); the apps compose
 * them (libs/composition) into the one schema every process and the migration CLI use.
 */
export type SchemaClass = Function;

export interface DbSchema {
  entities: SchemaClass[];
  migrations: SchemaClass[];
}

/**
 * A migration's timestamp, as TypeORM reads it: the last 13 characters of the class name
 * (MigrationExecutor.getMigrations), which is also the order TypeORM runs them in, whatever the order
 * of the list.
 */
export function migrationTimestamp(migration: SchemaClass): number {
  const ts = /(\d{13})$/.exec(migration.name);
  if (!ts) throw new Error(`migration ${migration.name}: the class name must end with a 13-digit timestamp`);
  return Number(ts[1]);
}

/**
 * Joins the libraries' schemas. Migrations come out sorted by timestamp (the order TypeORM applies
 * them in anyway, made visible); two migrations with one timestamp, or one class listed twice, or an
 * entity listed twice, stop start-up here rather than half-way through a migration run.
 */
export function composeSchemas(...parts: DbSchema[]): DbSchema {
  const entities = parts.flatMap((p) => p.entities);
  const migrations = parts.flatMap((p) => p.migrations);
  const dupEntity = entities.find((e, i) => entities.indexOf(e) !== i);
  if (dupEntity) throw new Error(`entity ${dupEntity.name} is registered twice`);
  const seen = new Map<number, string>();
  for (const m of migrations) {
    const ts = migrationTimestamp(m);
    const other = seen.get(ts);
    if (other !== undefined) throw new Error(`migrations ${other} and ${m.name} share the timestamp ${ts}`);
    seen.set(ts, m.name);
  }
  return { entities, migrations: [...migrations].sort((a, b) => migrationTimestamp(a) - migrationTimestamp(b)) };
}
