import * as bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { passwordProblems } from '@app/common/auth/password-policy';
import { ADMIN_ROLE } from '@app/common/auth/roles';
import { portalRebuild, PortalRebuildError } from './portal-rebuild-command';

/**
 * The server-side administration commands an installation needs before (or without) the console:
 * creating the first organisation and its admin on an empty production database, and resetting any
 * user's password (a forgotten admin password cannot be reset through the console). Passwords never
 * come on the command line (they would show in `ps` and the shell history): they are read from stdin.
 */

export const BCRYPT_COST = 10;
const ORG_LEVELS = ['province', 'city', 'county', 'department', 'township'];

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The password, read from stdin (a terminal prompt or a pipe). */
  readPassword(prompt: string): Promise<string>;
}

export class CliError extends Error {}

export const USAGE = `usage:
  npm run cli -- bootstrap --org-code <code> --org-name <name> [--org-level county] --username <admin> [--display-name <name>]
      creates the first (root) organisation and its admin; the password is read from stdin
  npm run cli -- reset-password --username <name>
      sets a new password for any user and ends the user's sessions; the password is read from stdin
  npm run portal:rebuild -- --site <key> | --all      (same as npm run cli -- portal-rebuild ...)
      rewrites every page of a portal site (--site / for the root site) from the database, in batches, with progress
Both need DATABASE_URL (migrated: npm run migration:run). Passwords follow the sign-in policy:
at least 10 characters, three of lower case / upper case / digits / symbols, not a common password.`;

/** Options that take no value. */
const FLAGS = new Set(['all']);

export function parseArgs(argv: string[]): { command: string; opts: Record<string, string> } {
  const [command, ...rest] = argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new CliError(`unexpected argument: ${a}`);
    const key = a.slice(2);
    if (FLAGS.has(key)) {
      opts[key] = 'true';
      continue;
    }
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new CliError(`--${key} needs a value`);
    opts[key] = v;
    i++;
  }
  return { command: command ?? '', opts };
}

function need(opts: Record<string, string>, key: string): string {
  const v = opts[key]?.trim();
  if (!v) throw new CliError(`--${key} is required`);
  return v;
}

async function strongPassword(io: CliIo, username: string): Promise<string> {
  const password = await io.readPassword(`new password for ${username}: `);
  const problems = passwordProblems(password, username);
  if (problems.length) throw new CliError(`password refused: ${problems.map((p) => p.reason).join('; ')}`);
  return password;
}

/** Runs one command against `databaseUrl`; returns the exit code. Refusals write nothing. */
export async function runCli(
  argv: string[],
  databaseUrl: string | undefined,
  io: CliIo,
  /** The portal settings' environment (tests); by default the config module reads the process's. */
  env?: Record<string, string | undefined>,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
    if (!['bootstrap', 'reset-password', 'portal-rebuild'].includes(parsed.command))
      throw new CliError(parsed.command ? `unknown command: ${parsed.command}` : 'no command');
    if (!databaseUrl) throw new CliError('DATABASE_URL is not set');
  } catch (e) {
    io.err((e as Error).message);
    io.err(USAGE);
    return 2;
  }
  if (parsed.command === 'portal-rebuild') {
    try {
      await portalRebuild(databaseUrl, parsed.opts, io, env);
      return 0;
    } catch (e) {
      io.err(e instanceof PortalRebuildError ? e.message : `failed: ${(e as Error).message}`);
      return e instanceof PortalRebuildError ? 2 : 1;
    }
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    if (parsed.command === 'bootstrap') await bootstrap(db, parsed.opts, io);
    else await resetPassword(db, parsed.opts, io);
    return 0;
  } catch (e) {
    io.err(e instanceof CliError ? e.message : `failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await db.end();
  }
}

async function bootstrap(db: Client, opts: Record<string, string>, io: CliIo): Promise<void> {
  const code = need(opts, 'org-code');
  const name = need(opts, 'org-name');
  const username = need(opts, 'username');
  const level = opts['org-level'] ?? 'county';
  if (!ORG_LEVELS.includes(level)) throw new CliError(`--org-level must be one of ${ORG_LEVELS.join(', ')}`);
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(code)) throw new CliError('--org-code: lower-case letters, digits and hyphens, at most 40');
  if (!/^[A-Za-z0-9._-]{2,40}$/.test(username)) throw new CliError('--username: 2–40 letters, digits, dot, underscore or hyphen');
  // checked before asking for the password, and again inside the transaction (someone may race us)
  const admins = await db.query(`SELECT count(*)::int AS n FROM user_roles WHERE role = $1`, [ADMIN_ROLE]);
  if (admins.rows[0].n > 0) throw new CliError('refused: this installation already has an admin (use the console, or reset-password)');
  const password = await strongPassword(io, username);
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  await db.query('BEGIN');
  try {
    await db.query(`LOCK TABLE user_roles IN SHARE ROW EXCLUSIVE MODE`);
    const again = await db.query(`SELECT count(*)::int AS n FROM user_roles WHERE role = $1`, [ADMIN_ROLE]);
    if (again.rows[0].n > 0) throw new CliError('refused: this installation already has an admin');
    if ((await db.query(`SELECT 1 FROM organisations WHERE code = $1`, [code])).rowCount) throw new CliError(`refused: organisation code ${code} exists`);
    if ((await db.query(`SELECT 1 FROM users WHERE username = $1`, [username])).rowCount) throw new CliError(`refused: user ${username} exists`);
    const org = await db.query(`INSERT INTO organisations (code, name, level, path) VALUES ($1, $2, $3, 'pending') RETURNING id`, [code, name, level]);
    const orgId: string = org.rows[0].id;
    await db.query(`UPDATE organisations SET path = '/' || id || '/' WHERE id = $1`, [orgId]);
    const user = await db.query(`INSERT INTO users (username, display_name, password_hash, home_organisation_id) VALUES ($1, $2, $3, $4) RETURNING id`, [
      username,
      opts['display-name'] ?? `${name}管理员`,
      hash,
      orgId,
    ]);
    const userId: string = user.rows[0].id;
    await db.query(`INSERT INTO user_roles (user_id, organisation_id, role) VALUES ($1, $2, $3)`, [userId, orgId, ADMIN_ROLE]);
    await db.query(
      `INSERT INTO audit_logs (actor_id, action, entity_type, entity_id, organisation_id, details) VALUES (NULL, 'installation.bootstrap', 'user', $1, $2, $3::jsonb)`,
      [userId, orgId, JSON.stringify({ via: 'cli', username, organisationCode: code })],
    );
    await db.query('COMMIT');
    io.out(`created organisation ${name} (${code}) and admin ${username}; sign in to the console to add the rest`);
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
}

async function resetPassword(db: Client, opts: Record<string, string>, io: CliIo): Promise<void> {
  const username = need(opts, 'username');
  const found = await db.query(`SELECT id FROM users WHERE username = $1`, [username]);
  if (!found.rowCount) throw new CliError(`no user named ${username}`);
  const password = await strongPassword(io, username);
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  await db.query('BEGIN');
  try {
    // a new password ends every session signed in with the old one (as the console's reset does)
    await db.query(`UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1`, [found.rows[0].id, hash]);
    await db.query(`INSERT INTO audit_logs (actor_id, action, entity_type, entity_id, details) VALUES (NULL, 'user.password_reset', 'user', $1, $2::jsonb)`, [
      found.rows[0].id,
      JSON.stringify({ via: 'cli', username }),
    ]);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
  io.out(`password of ${username} reset; the user's sessions have ended`);
}
