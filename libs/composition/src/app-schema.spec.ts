import * as fs from 'fs';
import * as path from 'path';
import { DataSource, DataSourceOptions, MigrationExecutor } from 'typeorm';
import { migrationTimestamp } from '@app/persistence/db-schema';
import { appDataSourceOptions } from './app-database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from './app-schema';

const root = path.resolve(__dirname, '..', '..', '..');

/** Every migration file under libs/, by the class it exports. */
function migrationFiles(): { file: string; className: string }[] {
  const out: { file: string; className: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\/migrations\/\d{13}-[^/]+\.ts$/.test(p) && !p.endsWith('.spec.ts')) {
        const m = /export class (\w+\d{13})\b/.exec(fs.readFileSync(p, 'utf8'));
        if (m) out.push({ file: path.relative(root, p), className: m[1] });
      }
    }
  };
  walk(path.join(root, 'libs'));
  return out;
}

describe('APP_SCHEMA', () => {
  it('registers every migration file of every library exactly once', () => {
    const registered = ALL_MIGRATIONS.map((m) => m.name).sort();
    const files = migrationFiles();
    expect(files.length).toBeGreaterThan(10);
    const missing = files.filter((f) => !registered.includes(f.className)).map((f) => f.file);
    expect(missing).toEqual([]);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('lists migrations in the order TypeORM applies them: by the timestamp in the class name', async () => {
    const stamps = ALL_MIGRATIONS.map(migrationTimestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    // TypeORM's own order over the same classes, reversed first so the list order cannot carry it
    const ds = new DataSource({
      ...appDataSourceOptions('postgres://nobody@127.0.0.1:1/none'),
      migrations: [...ALL_MIGRATIONS].reverse(),
    } as DataSourceOptions);
    await (ds as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    const executor = new MigrationExecutor(ds) as unknown as { getMigrations(): { name: string }[] };
    const typeormOrder = executor.getMigrations().map((m) => m.name);
    expect(typeormOrder).toEqual(ALL_MIGRATIONS.map((m) => m.name));
  });

  it('knows the entities of domain, channels and stats', () => {
    const names = ALL_ENTITIES.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Item', 'Delivery', 'PublicationRecord', 'GazetteIssue', 'LedProgram', 'StatsRollup']));
  });
});
