import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { appDataSourceOptions } from '@app/composition/app-database';
import { dbPrefix, readTestState, withDatabase } from './test-env';

/**
 * A fresh, migrated database for one suite, cloned from the template global-setup built.
 * Returns its URL; `dropTestDatabase` removes it (global teardown removes any left behind).
 */
export async function createTestDatabase(label = 'suite'): Promise<{ url: string; name: string }> {
  const state = readTestState();
  const name = `${dbPrefix()}${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  try {
    // CREATE DATABASE ... TEMPLATE fails if another session is connected to the template; retry briefly.
    for (let i = 0; ; i++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${state.templateDb}"`);
        break;
      } catch (e) {
        if (i > 40) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return { url: withDatabase(state.adminUrl, name), name };
}

export async function dropTestDatabase(name: string): Promise<void> {
  const state = readTestState();
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}

/** A connected DataSource on a fresh suite database. */
export async function createTestDataSource(label = 'suite'): Promise<{ ds: DataSource; url: string; name: string; close: () => Promise<void> }> {
  const { url, name } = await createTestDatabase(label);
  const ds = new DataSource(appDataSourceOptions(url));
  await ds.initialize();
  return {
    ds,
    url,
    name,
    close: async () => {
      await ds.destroy();
      await dropTestDatabase(name);
    },
  };
}

/** A unique BullMQ key prefix so suites sharing one Redis never see each other's queues. */
export function uniqueQueuePrefix(label = 't'): string {
  return `gdt-${label}-${randomBytes(4).toString('hex')}`;
}
