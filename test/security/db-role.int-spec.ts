import { INestApplication, INestApplicationContext } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig, AppConfig } from '@app/common/config/app-config';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { migrateAppDatabase } from '@app/composition/app-database';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { uniqueQueuePrefix } from '@app/test/utils/test-db';
import { dbPrefix, readTestState, withDatabase } from '@app/test/utils/test-env';
import { TEST_KEY, TEST_PASSWORD, waitFor } from '@app/test/utils/test-system';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { appRoleProblems, ensureAppRole } from '../../scripts/db-roles';

/**
 * Issue 12: a process connected as the tables' owner can switch the append-only triggers off, drop them
 * or the tables. Production runs migrations as an owner role and the processes as an app role made by
 * scripts/db-roles.ts (`npm run db:roles`). This suite does what the README says on a fresh database:
 * owner creates the schema, the script makes the app role, then proves the app role cannot rewrite or
 * remove history, while the whole product (api + worker: write, review, publish, ledger, freeze) runs
 * on it.
 */
describe('production database role (disclosure_app)', () => {
  const state = readTestState();
  const suffix = randomBytes(3).toString('hex');
  const owner = `${dbPrefix()}own_${suffix}`;
  const app = `${dbPrefix()}app_${suffix}`;
  const dbName = `${dbPrefix()}dbrole_${suffix}`;
  const asRole = (role: string) => {
    const u = new URL(withDatabase(state.adminUrl, dbName));
    u.username = role;
    u.password = '';
    return u.toString();
  };
  let admin: Client; // superuser on the application database
  let appDb: Client;
  let ownerDb: Client;
  let script: { created: boolean; statements: string[] };

  beforeAll(async () => {
    const root = new Client({ connectionString: state.adminUrl });
    await root.connect();
    try {
      await root.query(`CREATE ROLE "${owner}" LOGIN`);
      await root.query(`CREATE DATABASE "${dbName}" OWNER "${owner}"`);
    } finally {
      await root.end();
    }
    expect((await migrateAppDatabase(asRole(owner))).length).toBeGreaterThan(5);
    admin = new Client({ connectionString: withDatabase(state.adminUrl, dbName) });
    await admin.connect();
    script = await ensureAppRole(admin, { appRole: app, ownerRole: owner });
    appDb = new Client({ connectionString: asRole(app) });
    await appDb.connect();
    ownerDb = new Client({ connectionString: asRole(owner) });
    await ownerDb.connect();
  });

  afterAll(async () => {
    await appDb?.end().catch(() => undefined);
    await ownerDb?.end().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    const root = new Client({ connectionString: state.adminUrl });
    await root.connect();
    try {
      await root.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await root.query(`DROP ROLE IF EXISTS "${app}"`);
      await root.query(`DROP ROLE IF EXISTS "${owner}"`);
    } finally {
      await root.end();
    }
  });

  it('the script creates a login role that owns nothing and is no member of the owner', async () => {
    expect(script.created).toBe(true);
    expect(await appRoleProblems(admin, app)).toEqual([]);
    const [r] = (await admin.query(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = $1`, [app])).rows;
    expect(r).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolcanlogin: true });
    // Running it again changes nothing and still passes its own checks.
    const again = await ensureAppRole(admin, { appRole: app, ownerRole: owner });
    expect(again.created).toBe(false);
  });

  it('the script refuses a role that could still change the triggers', async () => {
    await admin.query(`GRANT "${owner}" TO "${app}"`);
    try {
      await expect(ensureAppRole(admin, { appRole: app, ownerRole: owner })).rejects.toThrow(/member of the table owner/);
    } finally {
      await admin.query(`REVOKE "${owner}" FROM "${app}"`);
    }
    expect(await appRoleProblems(admin, app)).toEqual([]);
  });

  it('the app role appends to the audit log but cannot rewrite, empty, unprotect or drop it', async () => {
    const ins = await appDb.query(`INSERT INTO audit_logs (action, entity_type, entity_id) VALUES ('test.role', 'test', $1) RETURNING id`, [suffix]);
    expect(ins.rowCount).toBe(1);
    const refused: [string, RegExp][] = [
      [`UPDATE audit_logs SET action = 'x'`, /append-only/],
      [`DELETE FROM audit_logs`, /append-only/],
      [`TRUNCATE audit_logs`, /permission denied/],
      [`TRUNCATE items CASCADE`, /permission denied/],
      [`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only`, /must be owner/],
      [`ALTER TABLE audit_logs DISABLE TRIGGER ALL`, /must be owner/],
      [`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_truncate`, /must be owner/],
      [`DROP TRIGGER audit_logs_append_only ON audit_logs`, /must be owner/],
      [`DROP TABLE audit_logs`, /must be owner/],
      [`DROP TABLE publication_records CASCADE`, /must be owner/],
      [`ALTER TABLE audit_logs RENAME TO audit_logs_old`, /must be owner/],
      [
        `CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
        /must be owner|permission denied for schema public/,
      ],
      [`DROP FUNCTION refuse_change() CASCADE`, /must be owner/],
      [`SET session_replication_role = replica`, /permission denied/],
      [`CREATE TABLE public.audit_logs_copy (id int)`, /permission denied for schema public/],
      [`GRANT "${owner}" TO "${app}"`, /permission denied|must have admin option/],
      [`INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`, /permission denied/],
    ];
    for (const [sql, expected] of refused) {
      await expect(appDb.query(sql)).rejects.toThrow(expected);
    }
    const rows = await admin.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'test.role' AND entity_id = $1`, [suffix]);
    expect(rows.rows[0].n).toBe(1);
    const triggers = await admin.query(
      `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'audit_logs'::regclass AND NOT tgisinternal AND tgenabled = 'O'`,
    );
    expect(triggers.rows[0].n).toBe(2);
  });

  it('a table a later migration creates (as the owner) is granted to the app role without running the script again', async () => {
    await ownerDb.query(`CREATE TABLE future_things (id bigserial PRIMARY KEY, note text)`);
    try {
      await appDb.query(`INSERT INTO future_things (note) VALUES ('x')`);
      expect((await appDb.query(`SELECT note FROM future_things`)).rows).toEqual([{ note: 'x' }]);
      await expect(appDb.query(`TRUNCATE future_things`)).rejects.toThrow(/permission denied/);
      await expect(appDb.query(`ALTER TABLE future_things ADD COLUMN y int`)).rejects.toThrow(/must be owner/);
    } finally {
      await ownerDb.query(`DROP TABLE future_things`);
    }
  });

  it('the owner role could (so the refusals above come from the role, not from the statements)', async () => {
    await ownerDb.query('BEGIN');
    try {
      await ownerDb.query(`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only`);
      await ownerDb.query(`UPDATE audit_logs SET action = 'rewritten' WHERE entity_id = $1`, [suffix]);
    } finally {
      await ownerDb.query('ROLLBACK');
    }
    const rows = await admin.query(`SELECT action FROM audit_logs WHERE entity_id = $1`, [suffix]);
    expect(rows.rows).toEqual([{ action: 'test.role' }]);
  });

  it('the api and worker run on the app role: boot, seed, write, review, publish to the portal, ledger, freeze', async () => {
    // A process starting with MIGRATIONS_RUN=true finds nothing pending and needs no DDL.
    expect(await migrateAppDatabase(asRole(app))).toEqual([]);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gd-dbrole-'));
    const config: AppConfig = loadConfig({}, {
      DATABASE_URL: asRole(app),
      REDIS_URL: state.redisUrl,
      ENCRYPTION_KEY: TEST_KEY,
      JWT_SECRET: 'test-jwt-secret-0123456789',
      QUEUE_PREFIX: uniqueQueuePrefix('dbrole'),
      DATA_DIR: dataDir,
      PORTAL_DIR: path.join(dataDir, 'portal'),
      SWEEP_CRON: '*/2 * * * * *',
      NODE_ENV: 'test',
    } as Partial<AppConfig>);
    let api: INestApplication | null = null;
    let worker: INestApplicationContext | null = null;
    try {
      api = await createApiApp(config, [], { shutdownHooks: false });
      await api.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
      config.PORTAL_BASE_URL = `${url}/site`;
      const ds = api.get(DataSource);
      expect((await ds.query(`SELECT current_user AS u`))[0].u).toBe(app);
      const seed = await seedDemo(ds, {
        password: TEST_PASSWORD,
        encryptionKey: TEST_KEY,
        portalBaseUrl: config.PORTAL_BASE_URL,
        channelTypes: api.get(ChannelRegistry).types(),
      });
      worker = await createWorkerApp(config, [], { shutdownHooks: false });
      await worker.init();
      const login = async (username: string): Promise<AxiosInstance> => {
        const r = await axios.post(`${url}/api/v1/auth/login`, { username, password: TEST_PASSWORD }, { validateStatus: () => true });
        expect(r.status).toBe(200);
        return axios.create({ baseURL: `${url}/api/v1`, validateStatus: () => true, headers: { Authorization: `Bearer ${r.data.accessToken}` } });
      };
      const editor = await login('editor');
      const reviewer = await login('reviewer');
      const statistician = await login('statistician');
      const created = await editor.post('/items', {
        organisationId: seed.orgs['sfx'],
        title: '关于数据库角色演练的通知',
        bodyHtml: '<p>现将有关事项通知如下。</p>',
        writtenDate: '2026-11-10',
        category: '综合政务',
        kind: 'notice',
        targetAccountIds: [seed.accounts['portal:示范县人民政府门户网站']],
      });
      expect(created.status).toBe(201);
      const id = created.data.id;
      expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
      expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
      await waitFor(
        async () => {
          const r = await editor.get(`/items/${id}/deliveries`);
          return r.data.length && r.data.every((d: { state: string }) => d.state === 'published');
        },
        20_000,
        'portal delivery published',
      );
      expect(await ds.query(`SELECT channel_type FROM publication_records WHERE item_id = $1`, [id])).toEqual([{ channel_type: 'portal' }]);
      const audit = await ds.query(`SELECT action FROM audit_logs WHERE item_id = $1 ORDER BY id`, [id]);
      expect(audit.length).toBeGreaterThanOrEqual(3);
      // Freezing a report locks the ledger (LOCK TABLE ... IN SHARE MODE) and appends a frozen report.
      const frozen = await statistician.post('/stats/reports/gov-2014/freeze', {
        org: seed.orgs['sfx'],
        year: 2020,
        signoff: { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2021-01-15' },
      });
      expect(frozen.status).toBe(201);
      expect(await ds.query(`SELECT count(*)::int AS n FROM stats_frozen_reports`)).toEqual([{ n: 1 }]);
    } finally {
      if (worker) await worker.close();
      if (api) await api.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
