import { Client } from 'pg';

/**
 * `npm run db:roles`: the database role the api and worker processes connect as in production.
 *
 * The append-only tables (audit log, ledger, frozen versions and reports) refuse UPDATE, DELETE and
 * TRUNCATE by trigger, but a table's owner can switch its triggers off, drop them or drop the table.
 * So the processes must not connect as the owner: migrations run as an owner role, the processes as
 * an app role that owns nothing, is no member of the owner, may read and write rows (SELECT, INSERT,
 * UPDATE, DELETE; the triggers still refuse rewriting history) and use the sequences, and nothing else:
 * no TRUNCATE, no TRIGGER, no DDL (CREATE on schema public is revoked from PUBLIC), no superuser, so it
 * cannot set session_replication_role either.
 *
 * Connect with DATABASE_URL to the application database as a superuser (or a role with CREATEROLE
 * that is a member of the owner role). Environment:
 *   DB_APP_ROLE      the app role (default disclosure_app); created when missing
 *   DB_APP_PASSWORD  its password (set or changed when given; leave unset for certificate/peer auth)
 *   DB_OWNER_ROLE    the role that owns the tables and runs migrations (default: the owner of audit_logs)
 * Idempotent; run it after the first `npm run migration:run`. Tables later migrations create are
 * granted by default privileges of the owner role, so it need not run again.
 */

export interface AppRoleOptions {
  appRole: string;
  ownerRole: string;
  appPassword?: string | null;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string, what: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`${what} "${name}" must match ${ROLE_NAME} (lower-case letters, digits, _)`);
  return `"${name}"`;
}

/** The grants, in order; `database` is the current database's name. */
export function appRoleGrants(o: AppRoleOptions, database: string): string[] {
  const app = ident(o.appRole, 'DB_APP_ROLE');
  const owner = ident(o.ownerRole, 'DB_OWNER_ROLE');
  const db = `"${database.replace(/"/g, '""')}"`;
  return [
    // Nobody but the owner creates objects in the schema (the default since Postgres 15; older ones grant it to PUBLIC).
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT CONNECT ON DATABASE ${db} TO ${app}`,
    `GRANT USAGE ON SCHEMA public TO ${app}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${app}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
  ];
}

/**
 * Creates (or tightens) the app role and grants it what the processes need. `client` is connected to the
 * application database with enough rights (see above). Refuses to finish when the app role would still
 * be able to change a table's triggers: it owns something, is a superuser or a member of a table's owner.
 */
export async function ensureAppRole(client: Client, o: AppRoleOptions): Promise<{ created: boolean; statements: string[] }> {
  const app = ident(o.appRole, 'DB_APP_ROLE');
  ident(o.ownerRole, 'DB_OWNER_ROLE');
  if (o.appRole === o.ownerRole) throw new Error('the app role must not be the owner role');
  const [{ database }] = (await client.query(`SELECT current_database() AS database`)).rows;
  const exists = (await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [o.appRole])).rowCount! > 0;
  const password = o.appPassword ? ` PASSWORD ${client.escapeLiteral(o.appPassword)}` : '';
  const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
  const statements = [exists ? `ALTER ROLE ${app} ${attrs}${password}` : `CREATE ROLE ${app} ${attrs}${password}`, ...appRoleGrants(o, database)];
  // The TypeORM migrations table is the owner's to write.
  const hasMigrations = (await client.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS ok`)).rows[0].ok;
  if (hasMigrations) statements.push(`REVOKE INSERT, UPDATE, DELETE ON public.migrations FROM ${app}`);
  await client.query('BEGIN');
  try {
    for (const s of statements) await client.query(s);
    const problems = await appRoleProblems(client, o.appRole);
    if (problems.length) throw new Error(`role ${o.appRole} could still change the tables: ${problems.join('; ')}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return { created: !exists, statements: statements.map((s) => s.replace(/PASSWORD '(?:[^']|'')*'/, "PASSWORD '…'")) };
}

/** What would let the role alter, disable or drop the tables' triggers (empty when nothing). */
export async function appRoleProblems(client: Client, role: string): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT
       (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = $1) AS superuser,
       (SELECT count(*)::int FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)) AS owned_relations,
       (SELECT count(*)::int FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = $1)) AS owned_functions,
       (SELECT count(*)::int FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1)) AS owned_schemas,
       (SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ', ')
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_has_role($1, c.relowner, 'MEMBER')) AS member_of_owner,
       (SELECT count(*)::int FROM information_schema.table_privileges
         WHERE grantee = $1 AND table_schema = 'public' AND privilege_type IN ('TRUNCATE', 'TRIGGER', 'REFERENCES')) AS extra_privileges`,
    [role],
  );
  const r = rows[0];
  const out: string[] = [];
  if (r.superuser) out.push('it is a superuser or bypasses row security');
  if (r.owned_relations) out.push(`it owns ${r.owned_relations} relation(s)`);
  if (r.owned_functions) out.push(`it owns ${r.owned_functions} function(s)`);
  if (r.owned_schemas) out.push(`it owns ${r.owned_schemas} schema(s)`);
  if (r.member_of_owner) out.push(`it is a member of the table owner(s) ${r.member_of_owner}`);
  if (r.extra_privileges) out.push(`it holds ${r.extra_privileges} TRUNCATE/TRIGGER/REFERENCES privilege(s)`);
  return out;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the application database, connected as a superuser (or CREATEROLE + member of the owner)');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    let owner = process.env.DB_OWNER_ROLE;
    if (!owner) {
      const r = await client.query(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = to_regclass('public.audit_logs')`);
      if (!r.rows[0]) throw new Error('no audit_logs table: run `npm run migration:run` as the owner role first, or set DB_OWNER_ROLE');
      owner = r.rows[0].owner as string;
    }
    const appRole = process.env.DB_APP_ROLE ?? 'disclosure_app';
    const done = await ensureAppRole(client, { appRole, ownerRole: owner, appPassword: process.env.DB_APP_PASSWORD ?? null });
    for (const s of done.statements) console.log(`  ${s}`);
    console.log(
      `${done.created ? 'created' : 'updated'} role ${appRole} (tables owned by ${owner}); connect the api and worker as ${appRole} with MIGRATIONS_RUN=false`,
    );
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
