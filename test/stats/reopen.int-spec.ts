import { ArgumentsHost, CanActivate, Catch, ExceptionFilter, ExecutionContext, HttpException, INestApplication, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import type { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { can, type Permission } from '@app/common/auth/permissions';
import { PERMISSION_KEY } from '@app/common/auth/require-permission.decorator';
import { appDataSourceOptions } from '@app/composition/app-database';
import { createTestDataSource } from '@app/test/utils/test-db';
import { StatsModule } from '@app/stats/stats.module';
import type { BundleEnvelope } from '@app/stats/bundles/bundle.types';
import { canonicalJson } from '@app/stats/bundles/canonical-json';
import { parsePublicKey, verifyText } from '@app/stats/bundles/ed25519-keys';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

/**
 * 重新打开（退回重填）: the level above returns a bundle; the sender reopens its frozen report with a reason
 * (the freeze is retired into history, never deleted), corrects a manual entry, signs it off again and
 * sends a new bundle, which the receiver — two databases, two installations — takes in place of the
 * returned one. Refusals write nothing; the reopen is audited; the database refuses any other change
 * of a frozen row.
 */

@Catch()
class ErrorShapeFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    if (e instanceof AppError) return res.status(e.status).json({ statusCode: e.status, code: e.code, message: e.message, details: e.details });
    if (e instanceof HttpException) return res.status(e.getStatus()).json({ statusCode: e.getStatus(), code: 'HTTP', message: e.message, details: [] });
    return res.status(500).json({ statusCode: 500, code: 'INTERNAL', message: String(e), details: [] });
  }
}

type Role = 'statistician' | 'admin' | 'editor';
interface Installation {
  t: Awaited<ReturnType<typeof createTestDataSource>>;
  f: StatsFixture;
  app: INestApplication;
  as: (role: Role) => void;
  http: () => ReturnType<typeof request>;
}

async function installation(label: string, key: string): Promise<Installation> {
  const t = await createTestDataSource(label);
  const f = await buildFixture(t.ds);
  await publishAll(f, t.ds);
  let user: AuthUser = { id: f.userId, username: 'stat', displayName: '统计员', roles: [] };
  @Injectable()
  class FakeAuthGuard implements CanActivate {
    constructor(private readonly reflector: Reflector) {}
    canActivate(ctx: ExecutionContext): boolean {
      ctx.switchToHttp().getRequest().user = user;
      const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [ctx.getHandler(), ctx.getClass()]);
      if (permission && !can(user, permission)) throw AppError.forbidden('FORBIDDEN_ROLE', '没有所需的角色');
      return true;
    }
  }
  const mod = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ ENCRYPTION_KEY: key } as AppConfig), TypeOrmModule.forRoot(appDataSourceOptions(t.url)), StatsModule],
  }).compile();
  const app = mod.createNestApplication({ logger: false });
  app.setGlobalPrefix('api/v1');
  app.useGlobalGuards(new FakeAuthGuard(app.get(Reflector)));
  app.useGlobalFilters(new ErrorShapeFilter());
  await app.init();
  const as = (role: Role) => {
    user = { ...user, roles: [{ organisationId: f.orgs.county.id, role }] };
  };
  as('statistician');
  return { t, f, app, as, http: () => request(app.getHttpServer()) };
}

const SIGNOFF_1 = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' };
const SIGNOFF_2 = { ...SIGNOFF_1, reviewer: '覃志刚', filledDate: '2019-03-06' };
const RETURN_COMMENT = '依申请公开收到申请数与登记簿不一致，请核实后重报';
const REASON = '市政务公开办退回：依申请公开收到申请数有误，核实后重报';
const API = '/api/v1/stats/reports/gov-2014';

describe('reopening a frozen report (退回重填) and sending the corrected bundle (two databases)', () => {
  let A: Installation;
  let B: Installation;
  let first: BundleEnvelope;
  let firstImportId: string;
  let q: { org: string; year: number };

  beforeAll(async () => {
    A = await installation('reopen_a', 'c'.repeat(64));
    B = await installation('reopen_b', 'd'.repeat(64));
    q = { org: A.f.orgs.county.id, year: 2018 };
  });
  afterAll(async () => {
    await A?.app.close();
    await B?.app.close();
    await A?.t.close();
    await B?.t.close();
  });

  /** Everything a refused reopen must leave as it was. */
  async function state(): Promise<string> {
    const rows = await A.t.ds.query(`SELECT
      (SELECT string_agg(id::text || ':' || COALESCE(reopened_at::text, '-') || ':' || COALESCE(reopen_reason, '-'), ',' ORDER BY id) FROM stats_frozen_reports) AS frozen,
      (SELECT count(*) FROM audit_logs) AS audit,
      (SELECT string_agg(cell_id || '=' || value::text, ',' ORDER BY cell_id) FROM stats_manual_entries) AS manual`);
    return JSON.stringify(rows[0]);
  }

  const importToB = (b: unknown) => B.http().post('/api/v1/stats/bundles').send({ org: B.f.orgs.county.id, year: 2018, template: 'gov-2014', bundle: b });

  it('freezes and sends the first bundle; the receiver returns it with comments', async () => {
    await A.http()
      .put(`${API}/manual`)
      .send({ ...q, entries: { '3-1': 3 } })
      .expect(200);
    await A.http()
      .post(`${API}/freeze`)
      .send({ ...q, signoff: SIGNOFF_1 })
      .expect(201);
    first = (await A.http().get(`${API}/bundle`).query(q).expect(200)).body;
    expect([first.payload.figures['1-1'], first.payload.figures['3-1']]).toEqual([10, 3]);

    B.as('admin');
    await B.http().post('/api/v1/stats/senders').send({ org: B.f.orgs.county.id, name: '永定区', publicKey: first.payload.signer.publicKey }).expect(201);
    B.as('statistician');
    firstImportId = (await importToB(first).expect(201)).body.id;
    await B.http().post(`/api/v1/stats/bundles/${firstImportId}/return`).send({ comment: RETURN_COMMENT }).expect(200);
    // A publication recorded after the first freeze: not in the first bundle, in the corrected one.
    await A.f.publish('i7', 'portal', '2018-12-30T02:00:00Z');
  });

  it('refuses a reopen without a proper reason, outside the organisation, for an unfrozen variant or template — writing nothing', async () => {
    const before = await state();
    for (const reason of [undefined, '', '  ', '改', 'x'.repeat(501), 42]) {
      const r = await A.http()
        .post(`${API}/reopen`)
        .send({ ...q, reason })
        .expect(400);
      expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'reason', reason: expect.stringMatching(/原因/) }] });
    }
    // Another organisation (no role there) and a role without the permission.
    await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, org: A.f.orgs.other.id, reason: REASON })
      .expect(403);
    A.as('editor');
    await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, reason: REASON })
      .expect(403);
    A.as('statistician');
    // The own-only variant was never frozen; 2017 neither; an unknown template is 404.
    const own = await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, subtree: false, reason: REASON })
      .expect(409);
    expect(own.body).toMatchObject({ code: 'REPORT_NOT_FROZEN', details: [{ field: 'year', reason: '尚未封存' }] });
    expect(own.body.message).toContain('尚未封存');
    await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, year: 2017, reason: REASON })
      .expect(409);
    const none = await A.http()
      .get(`${API}/freezes`)
      .query({ ...q, subtree: 'false' })
      .expect(200);
    expect(none.body).toEqual({ subtree: false, current: null, history: [] });
    await A.http()
      .post('/api/v1/stats/reports/no-such-template/reopen')
      .send({ ...q, reason: REASON })
      .expect(404);
    expect(await state()).toBe(before);
  });

  it('reopens with a reason: the freeze becomes history (kept, audited), the report is live, no bundle until frozen again', async () => {
    const r = await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, reason: `  ${REASON} ` })
      .expect(200);
    expect(r.body.reopened).toMatchObject({
      id: first.payload.frozen.id,
      frozenAt: first.payload.frozen.frozenAt,
      reason: REASON,
      reopenedBy: A.f.userId,
      signoff: SIGNOFF_1,
    });
    expect(r.body.reopened.values['3-1']).toBe(3);
    expect([r.body.otherVariantFrozen, r.body.report.source, r.body.report.frozen, r.body.report.values['1-1']]).toEqual([false, 'live', null, 11]);

    // The row is still there, retired; the audit row names the freeze and the reason.
    const rows = await A.t.ds.query(`SELECT id, reopened_by, reopen_reason, report -> 'values' ->> '3-1' AS v FROM stats_frozen_reports`);
    expect(rows).toEqual([{ id: first.payload.frozen.id, reopened_by: A.f.userId, reopen_reason: REASON, v: '3' }]);
    const audit = await A.t.ds.query(`SELECT actor_id, entity_type, entity_id, organisation_id, details FROM audit_logs WHERE action = 'stats.report_reopen'`);
    expect(audit).toEqual([
      {
        actor_id: A.f.userId,
        entity_type: 'stats_frozen_report',
        entity_id: first.payload.frozen.id,
        organisation_id: A.f.orgs.county.id,
        details: expect.objectContaining({ template: 'gov-2014', year: 2018, subtree: true, reason: REASON }),
      },
    ]);

    // Reopened twice: 409, nothing written.
    const before = await state();
    const again = await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, reason: REASON })
      .expect(409);
    expect(again.body.message).toContain('已重新打开、尚未重新封存');
    expect(await state()).toBe(before);

    // No bundle from a reopened report; the report is live; GET …/frozen shows the history only.
    const bundle = await A.http().get(`${API}/bundle`).query(q).expect(409);
    expect(bundle.body).toMatchObject({ code: 'REPORT_NOT_FROZEN', details: [{ field: 'year', reason: '已重新打开，尚未重新封存' }] });
    expect(bundle.body.message).toContain('已重新打开（退回重填）');
    expect((await A.http().get(API).query(q).expect(200)).body.source).toBe('live');
    const view = await A.http().get(`${API}/frozen`).query(q).expect(200);
    expect(view.body).toMatchObject({ report: null, changesSinceFreeze: null, subtree: true });
    expect(view.body.history).toEqual([
      expect.objectContaining({ id: first.payload.frozen.id, reason: REASON, frozenByName: '统计员', reopenedByName: '统计员' }),
    ]);
    await A.http()
      .get(`${API}/frozen`)
      .query({ ...q, format: 'xlsx' })
      .expect(409);
    const freezes = await A.http().get(`${API}/freezes`).query(q).expect(200);
    expect(freezes.body).toMatchObject({ subtree: true, current: null, history: [{ id: first.payload.frozen.id, reason: REASON }] });
  });

  it('the database lets a frozen row be retired once and refuses every other change', async () => {
    const id = first.payload.frozen.id;
    await expect(A.t.ds.query(`UPDATE stats_frozen_reports SET reopen_reason = '改写原因' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(A.t.ds.query(`UPDATE stats_frozen_reports SET year = 2017 WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(
      A.t.ds.query(`UPDATE stats_frozen_reports SET reopened_at = NULL, reopened_by = NULL, reopen_reason = NULL WHERE id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
    await expect(A.t.ds.query(`DELETE FROM stats_frozen_reports WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
  });

  it('edits the manual entry, freezes again with a new sign-off and sends a bundle the receiver takes in place of the returned one', async () => {
    await A.http()
      .put(`${API}/manual`)
      .send({ ...q, entries: { '3-1': 5 } })
      .expect(200);
    const frozen = await A.http()
      .post(`${API}/freeze`)
      .send({ ...q, signoff: SIGNOFF_2 })
      .expect(201);
    expect(frozen.body.frozen.id).not.toBe(first.payload.frozen.id);
    // Frozen again: the manual entries are locked again.
    await A.http()
      .put(`${API}/manual`)
      .send({ ...q, entries: { '3-1': 6 } })
      .expect(409);

    const view = await A.http().get(`${API}/frozen`).query(q).expect(200);
    expect([view.body.report.frozen.id, view.body.report.values['3-1'], view.body.report.signoff]).toEqual([frozen.body.frozen.id, 5, SIGNOFF_2]);
    expect(view.body.history).toEqual([expect.objectContaining({ id: first.payload.frozen.id, reason: REASON, signoff: SIGNOFF_1 })]);
    expect(view.body.history[0].values['3-1']).toBe(3);
    const freezes = await A.http().get(`${API}/freezes`).query(q).expect(200);
    expect(freezes.body.current).toMatchObject({ id: frozen.body.frozen.id, frozenByName: '统计员', signoff: SIGNOFF_2 });
    expect(freezes.body.history.map((h: { id: string }) => h.id)).toEqual([first.payload.frozen.id]);

    const second: BundleEnvelope = (await A.http().get(`${API}/bundle`).query(q).expect(200)).body;
    expect(second.payload.frozen.id).toBe(frozen.body.frozen.id);
    expect(second.payload.signoff).toEqual(SIGNOFF_2);
    expect([second.payload.figures['1-1'], second.payload.figures['3-1']]).toEqual([11, 5]);
    expect(second.payload.drill['1-1'].items.map((i) => i.itemId)).toContain(A.f.items.i7.id);
    // Signed by the same installation key: it verifies with the public key the receiver registered.
    expect(second.signature.keyId).toBe(first.signature.keyId);
    expect(verifyText(canonicalJson(second.payload), second.signature.value, parsePublicKey(first.payload.signer.publicKey)!.key)).toBe(true);

    const imported = await importToB(second).expect(201);
    expect(imported.body).toMatchObject({ status: 'submitted', signoff: SIGNOFF_2 });
    expect(imported.body.replaced).toEqual([expect.objectContaining({ id: firstImportId, returnComment: RETURN_COMMENT })]);
    await B.http().post(`/api/v1/stats/bundles/${imported.body.id}/accept`).expect(200);
    const st = await B.http().get('/api/v1/stats/bundles').query({ org: B.f.orgs.county.id, year: 2018, template: 'gov-2014' }).expect(200);
    expect(st.body.rows).toEqual([expect.objectContaining({ status: 'accepted', bundle: expect.objectContaining({ id: imported.body.id }) })]);
    const agg = await B.http().get(`${API}/aggregate`).query({ org: B.f.orgs.county.id, year: 2018 }).expect(200);
    expect([agg.body.values['1-1'], agg.body.values['3-1']]).toEqual([10 + 11, 5]);
  });

  it('reopening one variant while the other stays frozen keeps the shared manual entries locked, and says so', async () => {
    await A.http()
      .post(`${API}/freeze`)
      .send({ ...q, subtree: false, signoff: SIGNOFF_2 })
      .expect(201);
    const r = await A.http()
      .post(`${API}/reopen`)
      .send({ ...q, reason: '再次核实依申请公开数据' })
      .expect(200);
    expect(r.body.otherVariantFrozen).toBe(true);
    const locked = await A.http()
      .put(`${API}/manual`)
      .send({ ...q, entries: { '3-1': 6 } })
      .expect(409);
    expect(locked.body.message).toContain('（本单位）已封存');
    const view = await A.http()
      .get(`${API}/frozen`)
      .query({ ...q, subtree: true })
      .expect(200);
    expect(view.body.history.map((h: { reason: string }) => h.reason)).toEqual(['再次核实依申请公开数据', REASON]);
    expect(await A.t.ds.query(`SELECT count(*)::int AS n, count(reopened_at)::int AS reopened FROM stats_frozen_reports`)).toEqual([{ n: 3, reopened: 2 }]);
  });
});
