import IORedis from 'ioredis';
import * as os from 'os';
import * as path from 'path';
import { startRedisServer } from '../../apps/dev/src/local-services';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';

/** ARCHITECTURE.md invariants that the foundation already guarantees. */
describe('invariants', () => {
  describe('review gate', () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await startTestSystem('inv', { worker: false });
    });
    afterAll(async () => sys?.close());

    const item = (title = '某某通知', body = '<p>正文</p>') => ({
      organisationId: sys.seed.orgs['sfx'],
      title,
      bodyHtml: body,
      kind: 'notice',
      targetAccountIds: [sys.seed.accounts['portal:示范县人民政府门户网站']],
    });
    const counts = async () =>
      (
        await sys.ds.query(
          `SELECT (SELECT count(*) FROM item_versions)::int AS v, (SELECT count(*) FROM deliveries)::int AS d, (SELECT count(*) FROM publication_records)::int AS p`,
        )
      )[0];

    it('never lets the author approve their own item, even when they also hold the reviewer role', async () => {
      const admin = await sys.login('admin');
      const mk = await admin.post('/users', {
        username: 'both',
        displayName: '兼任信息员和审核人',
        password: 'test-password-1',
        homeOrganisationId: sys.seed.orgs['sfx'],
        roles: [
          { organisationId: sys.seed.orgs['sfx'], role: 'editor' },
          { organisationId: sys.seed.orgs['sfx'], role: 'reviewer' },
        ],
      });
      expect(mk.status).toBe(201);
      const both = await sys.login('both');
      const id = (await both.post('/items', item())).data.id;
      expect((await both.post(`/items/${id}/submit`)).status).toBe(200);
      const before = await counts();
      const r = await both.post(`/items/${id}/approve`, {});
      expect(r.status).toBe(403);
      expect(r.data).toMatchObject({ statusCode: 403, code: 'SELF_APPROVAL' });
      expect(r.data.message).toMatch(/自己/);
      expect(await counts()).toEqual(before);
      expect((await both.get(`/items/${id}`)).data.status).toBe('submitted');
      // Someone else may approve it.
      const reviewer = await sys.login('reviewer');
      expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
    });

    it('secrecy marks block submission and approval; nothing is frozen or delivered', async () => {
      const editor = await sys.login('editor');
      const reviewer = await sys.login('reviewer');
      const body = '<p>根据上级通知精神</p><p>机密 ★ 本材料仅供内部</p>';
      const created = await editor.post('/items', item('涉密材料', body));
      expect(created.status).toBe(201);
      const f = created.data.findings.find((x: { rule: string }) => x.rule === 'secrecy-mark');
      expect(f).toMatchObject({ severity: 'block', field: 'bodyHtml' });
      expect(created.data.bodyHtml.slice(f.start, f.end)).toBe('机密 ★');
      const before = await counts();
      const s = await editor.post(`/items/${created.data.id}/submit`);
      expect(s.status).toBe(422);
      expect(s.data.code).toBe('BLOCKING_FINDINGS');
      expect(s.data.details[0].field).toBe('bodyHtml');
      // The refused attempt is on the record, with its findings, and the item stays a draft.
      const trail = (await editor.get(`/items/${created.data.id}/audit`)).data.map((x: { action: string }) => x.action);
      expect(trail).toEqual(['item.create', 'item.submit_blocked']);
      const after = (await editor.get(`/items/${created.data.id}`)).data;
      expect(after.status).toBe('draft');
      expect(after.findings.some((x: { rule: string; status: string }) => x.rule === 'secrecy-mark' && x.status === 'open')).toBe(true);
      const a = await reviewer.post(`/items/${created.data.id}/approve`, {});
      expect(a.status).toBe(409);
      expect(await counts()).toEqual(before);
      // A block finding cannot be kept by a reviewer.
      const keep = await reviewer.post(`/items/${created.data.id}/findings/${f.id}/decision`, { decision: 'keep', reason: '需要' });
      expect(keep.status).toBe(409);
      // Also caught in the title and in channel overrides.
      const t = await editor.post('/items', { ...item('绝密★ 会议纪要'), channelOverrides: { weibo: { text: '秘密★' } } });
      const fields = t.data.findings.map((x: { field: string }) => x.field).sort();
      expect(fields).toEqual(['channelOverrides.weibo.text', 'title']);
    });

    it('an approval whose target account has gone is refused, naming the field, and writes nothing', async () => {
      const editor = await sys.login('editor');
      const reviewer = await sys.login('reviewer');
      const id = (await editor.post('/items', item('目标账号已删除的通知'))).data.id;
      expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
      // an account removed between submission and review
      await sys.ds.query(`UPDATE items SET target_account_ids = target_account_ids || '00000000-0000-4000-8000-00000000abcd'::uuid WHERE id = $1`, [id]);
      const before = (await sys.ds.query(`SELECT row_version FROM items WHERE id = $1`, [id]))[0].row_version;
      const r = await reviewer.post(`/items/${id}/approve`, {});
      expect(r.status).toBe(400);
      expect(r.data).toMatchObject({ code: 'UNKNOWN_CHANNEL_ACCOUNT', details: [{ field: 'targetAccountIds', reason: 'unknown channel account' }] });
      expect((await sys.ds.query(`SELECT status, row_version, current_version_no FROM items WHERE id = $1`, [id]))[0]).toEqual({
        status: 'submitted',
        row_version: before,
        current_version_no: 0,
      });
      for (const t of ['item_versions', 'deliveries', 'review_decisions']) {
        expect((await sys.ds.query(`SELECT count(*)::int AS n FROM ${t} WHERE item_id = $1`, [id]))[0].n).toBe(0);
      }
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs WHERE item_id = $1 AND action LIKE 'item.approve%'`, [id]))[0].n).toBe(0);
    });

    it('two reviewers approving at once: one approval, one version, one set of deliveries; the other is told why', async () => {
      const admin = await sys.login('admin');
      const org = sys.seed.orgs['sfx'];
      await admin.post('/users', {
        username: 'reviewer-b',
        displayName: '另一审核人',
        password: 'test-password-1',
        homeOrganisationId: org,
        roles: [{ organisationId: org, role: 'reviewer' }],
      });
      const editor = await sys.login('editor');
      const a = await sys.login('reviewer');
      const b = await sys.login('reviewer-b');
      for (let n = 0; n < 5; n++) {
        const id = (await editor.post('/items', item(`同时审核的通知${n}`))).data.id;
        expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
        const [ra, rb] = await Promise.all([a.post(`/items/${id}/approve`, {}), b.post(`/items/${id}/approve`, {})]);
        const ok = [ra, rb].filter((r) => r.status === 200);
        const refused = [ra, rb].filter((r) => r.status !== 200);
        expect(ok).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0].status).toBe(409);
        expect(['INVALID_TRANSITION', 'CONCURRENT_CHANGE']).toContain(refused[0].data.code);
        expect((await sys.ds.query(`SELECT count(*)::int AS n FROM item_versions WHERE item_id = $1`, [id]))[0].n).toBe(1);
        expect((await sys.ds.query(`SELECT count(*)::int AS n FROM review_decisions WHERE item_id = $1`, [id]))[0].n).toBe(1);
        const targets = (await sys.ds.query(`SELECT cardinality(target_account_ids) AS n FROM items WHERE id = $1`, [id]))[0].n;
        expect((await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE item_id = $1`, [id]))[0].n).toBe(targets);
        const approvals = (await editor.get(`/items/${id}/audit`)).data.filter((x: { action: string }) => x.action === 'item.approve');
        expect(approvals).toHaveLength(1);
      }
    });

    it('needs every configured review level, each by a different reviewer', async () => {
      const admin = await sys.login('admin');
      const dept = sys.seed.orgs['sfx-fgj'];
      expect((await admin.patch(`/organisations/${dept}`, { reviewLevels: 2 })).status).toBe(200);
      await admin.post('/users', {
        username: 'reviewer2',
        displayName: '二级审核人',
        password: 'test-password-1',
        homeOrganisationId: dept,
        roles: [{ organisationId: dept, role: 'reviewer' }],
      });
      const editor = await sys.login('editor');
      const reviewer = await sys.login('reviewer');
      const reviewer2 = await sys.login('reviewer2');
      const id = (await editor.post('/items', { ...item('两级审核的通知'), organisationId: dept })).data.id;
      await editor.post(`/items/${id}/submit`);
      const l1 = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '不涉密' });
      expect(l1.status).toBe(200);
      expect(l1.data.status).toBe('submitted');
      expect(l1.data.reviewLevel).toBe(1);
      expect((await reviewer.post(`/items/${id}/approve`, {})).data.code).toBe('ALREADY_REVIEWED');
      const l2 = await reviewer2.post(`/items/${id}/approve`, {});
      expect(l2.status).toBe(200);
      expect(l2.data.status).toBe('approved');
      expect(l2.data.version.versionNo).toBe(1);
      const trail = (await editor.get(`/items/${id}/audit`)).data;
      expect(trail.map((a: { action: string }) => a.action)).toEqual(['item.create', 'item.submit', 'item.approve_level', 'item.approve']);
      // each level's audit row says what it did; the last names the version frozen and the deliveries made
      expect(trail[2].details).toEqual({ level: 1, of: 2, secrecyConclusion: '不涉密', version: null, deliveries: 0, changes: expect.any(Array) });
      const deliveries = (await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE item_id = $1`, [id]))[0].n;
      expect(deliveries).toBeGreaterThan(0);
      expect(trail[3].details).toEqual({
        level: 2,
        of: 2,
        secrecyConclusion: '经保密审查，不涉及国家秘密',
        version: { id: l2.data.version.id, versionNo: 1 },
        deliveries,
        changes: expect.any(Array),
      });
      // the responses carry the row as stored (a publication may have moved it on since)
      expect(l2.data).toMatchObject({ reviewLevel: 2, currentVersionNo: 1, rowVersion: l1.data.rowVersion + 1 });
      expect((await sys.ds.query(`SELECT row_version FROM items WHERE id = $1`, [id]))[0].row_version).toBeGreaterThanOrEqual(l2.data.rowVersion);
      const decisions = await sys.ds.query(`SELECT level, reviewer_id, round FROM review_decisions WHERE item_id = $1 ORDER BY level`, [id]);
      expect(decisions.map((d: { level: number; round: number }) => [d.level, d.round])).toEqual([
        [1, 1],
        [2, 1],
      ]);
    });

    it('refuses bad input with the error shape and changes nothing', async () => {
      const editor = await sys.login('editor');
      const reviewer = await sys.login('reviewer');
      const itemsBefore = (await sys.ds.query(`SELECT count(*)::int AS n FROM items`))[0].n;
      const auditBefore = (await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs`))[0].n;

      const unknown = await editor.post('/items', { ...item(), colour: 'red' });
      expect(unknown.status).toBe(400);
      expect(unknown.data).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(unknown.data.details).toContainEqual({ field: 'colour', reason: 'unknown field' });

      const types = await editor.post('/items', { ...item(), title: 42, writtenDate: '2026-13-45', kind: 'poem' });
      expect(types.status).toBe(400);
      const fields = types.data.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['title', 'writtenDate', 'kind']));

      const long = await editor.post('/items', item('长'.repeat(201)));
      expect(long.status).toBe(400);
      expect(long.data.details[0].field).toBe('title');

      const org = await editor.post('/items', { ...item(), organisationId: '00000000-0000-4000-8000-000000000000' });
      expect(org.status).toBe(404);
      expect(org.data.code).toBe('NOT_FOUND');

      const acct = await editor.post('/items', { ...item(), targetAccountIds: ['00000000-0000-4000-8000-000000000000'] });
      expect(acct.status).toBe(400);
      expect(acct.data.details[0]).toMatchObject({ field: 'targetAccountIds' });

      const malformed = await editor.post('/items', '{"title": ', { headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.data.code).toBe('MALFORMED_JSON');

      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM items`))[0].n).toBe(itemsBefore);
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs`))[0].n).toBe(auditBefore);

      // Withdrawing a draft, approving twice.
      const id = (await editor.post('/items', item('一次性通知'))).data.id;
      const wd = await reviewer.post(`/items/${id}/withdraw`, { reason: '测试' });
      expect(wd.status).toBe(409);
      expect(wd.data.code).toBe('INVALID_TRANSITION');
      await editor.post(`/items/${id}/submit`);
      expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
      const twice = await reviewer.post(`/items/${id}/approve`, {});
      expect(twice.status).toBe(409);
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM item_versions WHERE item_id = $1`, [id]))[0].n).toBe(1);

      // No token, wrong role.
      expect((await sys.http.get('/items')).status).toBe(401);
      const stat = await sys.login('statistician');
      const denied = await stat.post('/items', item());
      expect(denied.status).toBe(403);
      expect(denied.data.code).toBe('FORBIDDEN_ROLE');
    });
  });

  describe('Redis is not the source of truth', () => {
    it('a delivery survives FLUSHALL before the worker takes it, and is published exactly once', async () => {
      const redis = await startRedisServer(path.join(os.tmpdir(), `gd-flush-${process.pid}`));
      const sys = await startTestSystem('flush', { worker: false, overrides: { REDIS_URL: redis.url } });
      try {
        const editor = await sys.login('editor');
        const reviewer = await sys.login('reviewer');
        const id = (
          await editor.post('/items', {
            organisationId: sys.seed.orgs['sfx'],
            title: 'Redis 清空后仍应发布',
            bodyHtml: '<p>正文</p>',
            kind: 'notice',
            targetAccountIds: [sys.seed.accounts['portal:示范县人民政府门户网站']],
          })
        ).data.id;
        await editor.post(`/items/${id}/submit`);
        expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
        const r = new IORedis(redis.url);
        expect((await r.keys('*')).length).toBeGreaterThan(0); // the job was there...
        await r.flushall(); // ...and now it is gone
        expect(await r.keys('*')).toEqual([]);
        await r.quit();
        const d = await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = $1`, [id]);
        expect(d).toEqual([{ state: 'pending' }]);

        await sys.startWorker(); // the sweeper at worker start finds the due delivery without a job
        await waitFor(async () => (await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = $1`, [id]))[0].state === 'published', 20_000, 'published');
        const ledger = await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE item_id = $1`, [id]);
        expect(ledger[0].n).toBe(1);
        const events = await sys.ds.query(
          `SELECT count(*)::int AS n FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id WHERE d.item_id = $1 AND e.kind = 'attempt'`,
          [id],
        );
        expect(events[0].n).toBe(1);
      } finally {
        await sys.close();
        await redis.stop();
      }
    });
  });
});
