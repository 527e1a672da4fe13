import type { AxiosInstance } from 'axios';
import ExcelJS from 'exceljs';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { peopleWorkbook, postPeople, tokenOf } from './people-import-helpers';

/**
 * Issue 18.2: the organisation tree and the users with their roles from an XLSX, against a real
 * database through the API. Every problem of a file is reported at once (sheet!cell, Chinese reason)
 * and nothing is written unless the whole file is valid; a branch admin imports only within its
 * branch; imported users have no password until their one-time link sets one.
 */
describe('people import (XLSX)', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let jyjAdmin: AxiosInstance;
  let county = '';

  beforeAll(async () => {
    sys = await startTestSystem('people-import', { worker: false });
    county = sys.seed.orgs['sfx'];
    admin = await sys.login('admin');
    const r = await admin.post('/users', {
      username: 'jyj-admin',
      displayName: '教育局管理员',
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs['sfx-jyj'],
      roles: [{ organisationId: sys.seed.orgs['sfx-jyj'], role: 'admin' }],
    });
    expect(r.status).toBe(201);
    jyjAdmin = await sys.login('jyj-admin');
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  const counts = async () =>
    (
      await sys.ds.query(
        `SELECT (SELECT count(*)::int FROM organisations) AS orgs, (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM user_roles) AS roles,
                (SELECT count(*)::int FROM password_set_tokens) AS tokens, (SELECT count(*)::int FROM people_imports) AS imports,
                (SELECT count(*)::int FROM audit_logs WHERE action NOT LIKE 'auth.%') AS audits`,
      )
    )[0];

  it('serves the template: sheets 机构, 用户, 说明 with their header rows; admins only', async () => {
    const r = await admin.get('/imports/people/template', { responseType: 'arraybuffer' });
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toContain(encodeURIComponent('机构和用户导入模板.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.data);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['机构', '用户', '说明']);
    expect((wb.getWorksheet('机构')!.getRow(1).values as unknown[]).slice(1)).toEqual(['机构代码', '机构名称', '上级机构代码', '层级']);
    expect((wb.getWorksheet('用户')!.getRow(1).values as unknown[]).slice(1)).toEqual(['用户名', '姓名', '所属机构代码', '角色']);
    const help = wb.getWorksheet('说明')!.getColumn(3).values.join('\n');
    expect(help).toContain('信息员、审核人、审核负责人、分管领导、渠道运维、统计员、管理员');
    expect(help).toContain('设置密码链接');
    const editor = await sys.login('editor');
    expect((await editor.get('/imports/people/template')).status).toBe(403);
  });

  it('imports 500 users across 30 organisations in one file: tree, users, roles, scope, audit', async () => {
    const orgs: string[][] = [];
    for (let d = 1; d <= 10; d++) {
      orgs.push([`big-d${d}`, `示范县第${d}局`, 'sfx', '部门']);
      for (let s = 1; s <= 2; s++) orgs.push([`big-d${d}-s${s}`, `示范县第${d}局第${s}科`, `big-d${d}`, '部门']);
    }
    expect(orgs.length).toBe(30);
    const roleCells = ['信息员', '审核人', '信息员、审核人', '审核负责人，分管领导', '渠道运维', '统计员'];
    const users: string[][] = [];
    for (let i = 0; i < 500; i++) users.push([`big-u${i}`, `导入用户${i}`, orgs[i % 30][0], roleCells[i % roleCells.length]]);
    const file = await peopleWorkbook({ orgs, users });

    const before = await counts();
    const dry = await postPeople(sys.url, admin, file, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, id: null, organisations: 30, users: 500, links: [] });
    expect(await counts()).toEqual(before);

    const r = await postPeople(sys.url, admin, file);
    expect(r.status).toBe(200);
    expect(r.body.organisations).toBe(30);
    expect(r.body.users).toBe(500);
    expect(r.body.links).toHaveLength(500);
    expect(new Set(r.body.links.map((l: { path: string }) => l.path)).size).toBe(500);

    // the tree: each department under the county, each section under its department, paths consistent
    const tree: { code: string; level: string; parent: string; path: string; parent_path: string; id: string }[] = await sys.ds.query(
      `SELECT o.code, o.level, o.id, o.path, p.code AS parent, p.path AS parent_path FROM organisations o JOIN organisations p ON p.id = o.parent_id WHERE o.code LIKE 'big-%'`,
    );
    expect(tree).toHaveLength(30);
    for (const o of tree) {
      expect(o.parent).toBe(/-s\d$/.test(o.code) ? o.code.replace(/-s\d$/, '') : 'sfx');
      expect(o.level).toBe('department');
      expect(o.path).toBe(`${o.parent_path}${o.id}/`);
    }
    // the users and their roles, granted in their home organisation
    const rows: { username: string; display_name: string; code: string; roles: string[]; hash: string }[] = await sys.ds.query(
      `SELECT u.username, u.display_name, o.code, u.password_hash AS hash, array_agg(r.role ORDER BY r.role) AS roles
         FROM users u JOIN organisations o ON o.id = u.home_organisation_id JOIN user_roles r ON r.user_id = u.id AND r.organisation_id = o.id
        WHERE u.username LIKE 'big-u%' GROUP BY u.id, o.code`,
    );
    expect(rows).toHaveLength(500);
    const expected: Record<string, string[]> = {
      信息员: ['editor'],
      审核人: ['reviewer'],
      '信息员、审核人': ['editor', 'reviewer'],
      '审核负责人，分管领导': ['leader', 'reviewer_lead'],
      渠道运维: ['operator'],
      统计员: ['statistician'],
    };
    for (const u of rows) {
      const i = Number(u.username.slice('big-u'.length));
      expect(u.display_name).toBe(`导入用户${i}`);
      expect(u.code).toBe(orgs[i % 30][0]);
      expect(u.roles).toEqual(expected[roleCells[i % roleCells.length]]);
      expect(u.hash).toBe('!');
    }
    const [{ n }] = await sys.ds.query(`SELECT count(*)::int AS n FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.username LIKE 'big-u%'`);
    expect(n).toBe(users.reduce((sum, u) => sum + expected[u[3]].length, 0));

    // scope: the county admin sees them through the users API; a section editor's role applies in the section only
    const listed: { username: string }[] = (await admin.get('/users')).data;
    expect(listed.filter((u) => u.username.startsWith('big-u'))).toHaveLength(500);

    // audit: one row for the import with its counts, one per user and organisation
    const [imp] = await sys.ds.query(`SELECT details, actor_id FROM audit_logs WHERE action = 'people.import' AND entity_id = $1`, [r.body.id]);
    expect(imp.actor_id).toBe(sys.seed.users['admin']);
    expect(imp.details).toMatchObject({ organisations: 30, users: 500 });
    const [{ created }] = await sys.ds.query(`SELECT count(*)::int AS created FROM audit_logs WHERE action = 'user.create' AND details->>'importId' = $1`, [
      r.body.id,
    ]);
    expect(created).toBe(500);
    const [{ orgsCreated }] = await sys.ds.query(
      `SELECT count(*)::int AS "orgsCreated" FROM audit_logs WHERE action = 'organisation.create' AND details->>'importId' = $1`,
      [r.body.id],
    );
    expect(orgsCreated).toBe(30);

    // importing the same file again: every code and username already exists, nothing written
    const again = await postPeople(sys.url, admin, file);
    expect(again.status).toBe(400);
    expect(again.body.details).toHaveLength(530);
    expect(again.body.details[0]).toEqual({ field: '机构!A2', reason: '机构代码已存在于系统中：big-d1' });
  }, 120_000);

  it('reports every problem of a file with errors in three rows, with sheet, row and column, and writes nothing', async () => {
    const file = await peopleWorkbook({
      orgs: [
        ['err-d1', '错误测试局', 'sfx', '部门'],
        ['err-d2', '错误测试二局', 'no-such-org', '部门'],
      ],
      users: [
        ['err-u1', '张一', 'err-d1', '信息员'],
        ['err-u2', '张二', 'err-d1', '审核人'],
        ['err-u3', '张三', 'err-d1', '信息员、打字员'],
        ['err-u4', '张四', 'err-d1', '统计员'],
        ['err-u2', '张五', 'err-d1', '审核人'],
      ],
    });
    const before = await counts();
    for (const dryRun of [true, false]) {
      const r = await postPeople(sys.url, admin, file, dryRun);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('PEOPLE_IMPORT_INVALID');
      expect(r.body.message).toContain('3 处问题');
      expect(r.body.details).toEqual([
        { field: '机构!C3', reason: '上级机构代码不存在（本文件和系统中都没有）：no-such-org' },
        { field: '用户!D4', reason: expect.stringContaining('未知的角色：打字员') },
        { field: '用户!A6', reason: '用户名在本文件中重复（与第 3 行相同）：err-u2' },
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it('reports missing values, over-long values, unknown levels, cycles, level order and existing usernames', async () => {
    const file = await peopleWorkbook({
      orgs: [
        ['cyc-a', '甲', 'cyc-b', '部门'],
        ['cyc-b', '乙', 'cyc-a', '部门'],
        ['lvl-x', '某市', 'sfx', '市'],
        ['', '无代码', 'sfx', '部门'],
        ['long-name', '长'.repeat(101), 'sfx', '科'],
      ],
      users: [
        ['editor', '已有用户', 'sfx', '信息员'],
        ['new-1', '', 'sfx', ''],
        ['x'.repeat(65), '某人', 'nowhere', '信息员'],
      ],
    });
    const r = await postPeople(sys.url, admin, file, true);
    expect(r.status).toBe(400);
    const fields = r.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(['机构!A5', '机构!B6', '机构!D6', '机构!C2', '机构!C3', '机构!D4', '用户!A2', '用户!B3', '用户!D3', '用户!A4', '用户!C4']);
    const reason = (f: string) => r.body.details.find((d: { field: string }) => d.field === f).reason;
    expect(reason('机构!C2')).toContain('循环');
    expect(reason('机构!D4')).toContain('层级顺序有误');
    expect(reason('机构!A5')).toBe('机构代码不能为空');
    expect(reason('机构!B6')).toContain('过长');
    expect(reason('机构!D6')).toContain('未知的层级「科」');
    expect(reason('用户!A2')).toBe('用户名已存在于系统中：editor');
    expect(reason('用户!D3')).toBe('角色不能为空（至少一个角色）');
    expect(reason('用户!A4')).toContain('过长');
  });

  it('refuses a file that is not XLSX or lacks a sheet (400, field named)', async () => {
    const notXlsx = await postPeople(sys.url, admin, Buffer.from('用户名,姓名\nzhang,张\n'), false, 'people.csv');
    expect(notXlsx.status).toBe(400);
    expect(notXlsx.body.details).toEqual([{ field: 'file', reason: expect.stringContaining('不是 XLSX') }]);
    const broken = await postPeople(sys.url, admin, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]));
    expect(broken.status).toBe(400);
    expect(broken.body.details[0].field).toBe('file');
    const noUsers = await postPeople(sys.url, admin, await peopleWorkbook({ orgs: [['x1', '某', 'sfx', '部门']], users: [] }, { omitUserSheet: true }));
    expect(noUsers.status).toBe(400);
    expect(noUsers.body.details).toEqual([{ field: '用户', reason: '缺少工作表「用户」（请使用下载的模板）' }]);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('机构').addRow(['机构代码', '机构名称', '上级机构代码', '层级']);
    const us = wb.addWorksheet('用户');
    us.addRow(['用户名', '姓名', '所属机构代码', '角色', '初始密码']);
    us.addRow(['pw-user', '某人', 'sfx', '信息员', 'Secret-Pass-1']);
    const withPassword = await postPeople(sys.url, admin, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.details).toEqual([{ field: '用户!E1', reason: expect.stringContaining('不能包含密码列「初始密码」') }]);
    expect(await sys.ds.query(`SELECT 1 FROM users WHERE username = 'pw-user'`)).toEqual([]);
  });

  it('keeps a branch admin within its branch', async () => {
    const file = await peopleWorkbook({
      orgs: [
        ['jyj-sub', '教育局科室', 'sfx-jyj', '部门'],
        ['fgj-sub', '发改局科室', 'sfx-fgj', '部门'],
        ['top-new', '新顶级机构', '', '县'],
      ],
      users: [
        ['jyj-staff', '教育局职员', 'jyj-sub', '信息员'],
        ['fgj-staff', '发改局职员', 'sfx-fgj', '信息员'],
      ],
    });
    const before = await counts();
    const r = await postPeople(sys.url, jyjAdmin, file, true);
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([
      { field: '机构!C3', reason: '上级机构不在您管理的机构范围内：sfx-fgj' },
      { field: '机构!C4', reason: '只有最上级机构的管理员可以新建顶级机构，请填写上级机构代码' },
      { field: '用户!C3', reason: '所属机构不在您管理的机构范围内：sfx-fgj' },
    ]);
    const ok = await postPeople(
      sys.url,
      jyjAdmin,
      await peopleWorkbook({ orgs: [['jyj-sub', '教育局科室', 'sfx-jyj', '部门']], users: [['jyj-staff', '教育局职员', 'jyj-sub', '信息员']] }),
    );
    expect(ok.status).toBe(200);
    expect((await counts()).users).toBe(before.users + 1);
    const editor = await sys.login('editor');
    expect((await postPeople(sys.url, editor, file, true)).status).toBe(403);
    void county;
  });

  describe('set-password links', () => {
    let links: { username: string; path: string; expiresAt: string }[] = [];
    const signIn = (username: string, password: string) => sys.http.post('/auth/login', { username, password });
    const setPassword = (token: string, password: string) => sys.http.post('/auth/set-password', { token, password });
    const NEW_PASSWORD = 'Zhang-San-2024!';

    beforeAll(async () => {
      const r = await postPeople(
        sys.url,
        admin,
        await peopleWorkbook({
          orgs: [],
          users: [
            ['link-u1', '链接用户一', 'sfx-fgj', '信息员'],
            ['link-u2', '链接用户二', 'sfx-fgj', '审核人'],
          ],
        }),
      );
      expect(r.status).toBe(200);
      links = r.body.links;
      expect(links.map((l) => l.username)).toEqual(['link-u1', 'link-u2']);
      // the token is stored only as its hash
      const stored: { token_hash: string }[] = await sys.ds.query(
        `SELECT token_hash FROM password_set_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'link-u1'`,
      );
      expect(stored).toHaveLength(1);
      expect(stored[0].token_hash).not.toContain(tokenOf(links[0].path));
      expect(new Date(links[0].expiresAt).getTime()).toBeGreaterThan(Date.now());
    });

    it('a user without a password cannot sign in; after setting it through the link they can; the link works once', async () => {
      expect((await signIn('link-u1', '!')).status).toBe(401);
      expect((await signIn('link-u1', '')).status).toBe(400);
      const token = tokenOf(links[0].path);
      const weak = await setPassword(token, 'password');
      expect(weak.status).toBe(400);
      expect(weak.data.code).toBe('WEAK_PASSWORD');
      const ok = await setPassword(token, NEW_PASSWORD);
      expect(ok.status).toBe(200);
      expect(ok.data).toEqual({ username: 'link-u1' });
      const signed = await signIn('link-u1', NEW_PASSWORD);
      expect(signed.status).toBe(200);
      expect(signed.data.user.roles).toEqual([{ organisationId: sys.seed.orgs['sfx-fgj'], role: 'editor' }]);
      const twice = await setPassword(token, 'Another-Pass-2024!');
      expect(twice.status).toBe(400);
      expect(twice.data.code).toBe('SET_PASSWORD_LINK_INVALID');
      expect((await signIn('link-u1', 'Another-Pass-2024!')).status).toBe(401);
      const [audit] = await sys.ds.query(`SELECT actor_id FROM audit_logs WHERE action = 'user.password_set' AND entity_id = $1`, [signed.data.user.id]);
      expect(audit.actor_id).toBe(signed.data.user.id);
    });

    it('refuses an expired link and an unknown token', async () => {
      await sys.ds.query(
        `UPDATE password_set_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE username = 'link-u2')`,
      );
      const r = await setPassword(tokenOf(links[1].path), NEW_PASSWORD);
      expect(r.status).toBe(400);
      expect(r.data.code).toBe('SET_PASSWORD_LINK_EXPIRED');
      expect(r.data.message).toContain('已过期');
      expect((await signIn('link-u2', NEW_PASSWORD)).status).toBe(401);
      const unknown = await setPassword('x'.repeat(43), NEW_PASSWORD);
      expect(unknown.status).toBe(400);
      expect(unknown.data.details).toEqual([{ field: 'token', reason: '链接无效或已使用' }]);
      expect((await setPassword('', NEW_PASSWORD)).status).toBe(400);
    });

    it('an admin who manages the user issues a new link; the old ones stop working', async () => {
      expect((await jyjAdmin.post('/imports/people/links', { username: 'link-u2' })).status).toBe(403);
      const unknown = await admin.post('/imports/people/links', { username: 'nobody-here' });
      expect(unknown.status).toBe(400);
      expect(unknown.data.details).toEqual([{ field: 'username', reason: '没有这个用户名' }]);
      const first = await admin.post('/imports/people/links', { username: 'link-u2' });
      expect(first.status).toBe(200);
      const second = await admin.post('/imports/people/links', { username: 'link-u2' });
      expect(second.status).toBe(200);
      expect(second.data).toMatchObject({ username: 'link-u2', displayName: '链接用户二', organisationCode: 'sfx-fgj' });
      expect((await setPassword(tokenOf(first.data.path), NEW_PASSWORD)).data.code).toBe('SET_PASSWORD_LINK_INVALID');
      expect((await setPassword(tokenOf(links[1].path), NEW_PASSWORD)).status).toBe(400);
      expect((await setPassword(tokenOf(second.data.path), NEW_PASSWORD)).status).toBe(200);
      expect((await signIn('link-u2', NEW_PASSWORD)).status).toBe(200);
      const audits: { action: string }[] = await sys.ds.query(
        `SELECT action FROM audit_logs WHERE entity_type = 'user' AND entity_id = (SELECT id::text FROM users WHERE username = 'link-u2') AND action NOT LIKE 'auth.%' ORDER BY id`,
      );
      expect(audits.map((a) => a.action)).toEqual(['user.create', 'user.password_link', 'user.password_link', 'user.password_set']);
    });

    it('counts unknown tokens against the address and refuses a locked address (429)', async () => {
      const before: { key: string; failures: number }[] = await sys.ds.query(`SELECT key, failures FROM login_throttle WHERE scope = 'address'`);
      expect((await setPassword('y'.repeat(43), NEW_PASSWORD)).status).toBe(400);
      const after: { key: string; failures: number }[] = await sys.ds.query(`SELECT key, failures FROM login_throttle WHERE scope = 'address'`);
      expect(after).toHaveLength(1);
      expect(after[0].failures).toBe((before[0]?.failures ?? 0) + 1);
      await sys.ds.query(`UPDATE login_throttle SET locked_until = now() + interval '5 minutes' WHERE scope = 'address' AND key = $1`, [after[0].key]);
      try {
        const r = await setPassword('y'.repeat(43), NEW_PASSWORD);
        expect(r.status).toBe(429);
        expect(r.data.message).toContain('尝试次数过多');
      } finally {
        await sys.ds.query(`UPDATE login_throttle SET locked_until = NULL, failures = 0 WHERE scope = 'address'`);
      }
    });
  });
});
