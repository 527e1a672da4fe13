import * as bcrypt from 'bcryptjs';
import { DataSource } from 'typeorm';
import { runCli, CliIo } from '../../apps/cli/src/admin-cli';
import { createTestDataSource } from '@app/test/utils/test-db';

/**
 * The server-side commands (issue 15 point 8): the first organisation and admin of an empty
 * production database, and a password reset from the server. Weak passwords are refused as the API
 * refuses them, and every refusal writes nothing.
 */
describe('admin CLI (npm run cli)', () => {
  let ds: DataSource;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ ds, url, close } = await createTestDataSource('admin-cli'));
  });
  afterAll(async () => close());

  function io(password: string) {
    const out: string[] = [];
    const err: string[] = [];
    const prompts: string[] = [];
    const cli: CliIo = {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readPassword: async (p) => {
        prompts.push(p);
        return password;
      },
    };
    return { cli, out, err, prompts };
  }

  async function counts() {
    const [r] = await ds.query(
      `SELECT (SELECT count(*) FROM organisations)::int AS orgs, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM user_roles)::int AS roles, (SELECT count(*) FROM audit_logs)::int AS audits`,
    );
    return r;
  }

  const BOOT = ['bootstrap', '--org-code', 'hx', '--org-name', '和县人民政府', '--username', 'hx-admin'];

  it('refuses a weak password and writes nothing', async () => {
    const before = await counts();
    const t = io('password1');
    expect(await runCli(BOOT, url, t.cli)).toBe(1);
    expect(t.err.join('\n')).toMatch(/password refused: .*at least 10 characters/);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad arguments before touching the database, naming the option', async () => {
    const t = io('Strong-pass-42');
    expect(await runCli(['bootstrap', '--org-code', 'hx', '--username', 'a'], url, t.cli)).toBe(1);
    expect(t.err[0]).toBe('--org-name is required');
    expect(t.prompts).toEqual([]);
    const u = io('x');
    expect(await runCli(['frobnicate'], url, u.cli)).toBe(2);
    expect(u.err[0]).toBe('unknown command: frobnicate');
  });

  it('creates the first organisation and its admin, the password stored as the hash sign-in checks', async () => {
    const t = io('Strong-pass-42');
    expect(await runCli(BOOT, url, t.cli)).toBe(0);
    expect(t.prompts).toEqual(['new password for hx-admin: ']);
    const [u] = await ds.query(
      `SELECT u.id, u.password_hash, u.home_organisation_id, o.code, o.path, o.parent_id, r.role
         FROM users u JOIN organisations o ON o.id = u.home_organisation_id JOIN user_roles r ON r.user_id = u.id AND r.organisation_id = o.id
        WHERE u.username = 'hx-admin'`,
    );
    expect(u).toMatchObject({ code: 'hx', parent_id: null, role: 'admin', path: `/${u.home_organisation_id}/` });
    expect(await bcrypt.compare('Strong-pass-42', u.password_hash)).toBe(true);
    const audit = await ds.query(`SELECT action, details FROM audit_logs WHERE entity_id = $1`, [u.id]);
    expect(audit).toEqual([{ action: 'installation.bootstrap', details: { via: 'cli', username: 'hx-admin', organisationCode: 'hx' } }]);
  });

  it('refuses a second bootstrap once an admin exists, writing nothing', async () => {
    const before = await counts();
    const t = io('Strong-pass-42');
    expect(await runCli(['bootstrap', '--org-code', 'other', '--org-name', '另一县', '--username', 'other-admin'], url, t.cli)).toBe(1);
    expect(t.err[0]).toMatch(/already has an admin/);
    expect(t.prompts).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('resets a password, ends the sessions and audits it; a weak one is refused and changes nothing', async () => {
    const [before] = await ds.query(`SELECT password_hash, session_epoch FROM users WHERE username = 'hx-admin'`);
    const weak = io('hx-admin');
    expect(await runCli(['reset-password', '--username', 'hx-admin'], url, weak.cli)).toBe(1);
    expect(weak.err[0]).toMatch(/password refused/);
    const [same] = await ds.query(`SELECT password_hash, session_epoch FROM users WHERE username = 'hx-admin'`);
    expect(same).toEqual(before);

    const t = io('Another-pass-43');
    expect(await runCli(['reset-password', '--username', 'hx-admin'], url, t.cli)).toBe(0);
    const [after] = await ds.query(`SELECT password_hash, session_epoch FROM users WHERE username = 'hx-admin'`);
    expect(await bcrypt.compare('Another-pass-43', after.password_hash)).toBe(true);
    expect(after.session_epoch).toBe(before.session_epoch + 1);
    const [a] = await ds.query(`SELECT action, actor_id, details FROM audit_logs WHERE action = 'user.password_reset'`);
    expect(a).toEqual({ action: 'user.password_reset', actor_id: null, details: { via: 'cli', username: 'hx-admin' } });

    const missing = io('Another-pass-43');
    expect(await runCli(['reset-password', '--username', 'nobody'], url, missing.cli)).toBe(1);
    expect(missing.err[0]).toBe('no user named nobody');
  });
});
