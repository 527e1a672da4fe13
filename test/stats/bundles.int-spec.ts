import { ArgumentsHost, CanActivate, Catch, ExceptionFilter, ExecutionContext, HttpException, INestApplication, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { SecretBox } from '@app/common/crypto/secret-box';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { can, type Permission } from '@app/common/auth/permissions';
import { PERMISSION_KEY } from '@app/common/auth/require-permission.decorator';
import { appDataSourceOptions } from '@app/composition/app-database';
import { createTestDataSource } from '@app/test/utils/test-db';
import { StatsModule } from '@app/stats/stats.module';
import type { BundleEnvelope } from '@app/stats/bundles/bundle.types';
import { canonicalDigest, canonicalJson } from '@app/stats/bundles/canonical-json';
import { privateKeyFromPkcs8, signText } from '@app/stats/bundles/ed25519-keys';
import { rebuildBundleTotals } from '@app/stats/bundles/bundle-aggregate.service';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

/**
 * Issue 16.4, "Done when": a report sent upward between two installations — two databases, two api
 * apps, two ENCRYPTION_KEYs, each with its own installation key pair. A (a county) freezes its 2018
 * table and exports the signed bundle; B (the level above) registers A's public key, imports, returns
 * it with comments, takes the resubmission, accepts it and aggregates it with its own ledger. Refused
 * (and nothing written): a tampered bundle, an unknown key, the wrong period, a re-signed bundle whose
 * drill list no longer matches its digest, and one whose figures break the template's arithmetic.
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

interface Installation {
  t: Awaited<ReturnType<typeof createTestDataSource>>;
  f: StatsFixture;
  app: INestApplication;
  key: string;
  as: (role: 'statistician' | 'admin' | 'editor') => void;
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
      const req = ctx.switchToHttp().getRequest();
      req.user = user;
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
  const as = (role: 'statistician' | 'admin' | 'editor') => {
    user = { ...user, roles: [{ organisationId: f.orgs.county.id, role }] };
  };
  as('statistician');
  return { t, f, app, key, as, http: () => request(app.getHttpServer()) };
}

const SIGNOFF = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' };

describe('signed report bundles between two installations (two databases)', () => {
  let A: Installation;
  let B: Installation;
  let bundle: BundleEnvelope;

  beforeAll(async () => {
    A = await installation('bundle_a', 'a'.repeat(64));
    B = await installation('bundle_b', 'b'.repeat(64));
  });
  afterAll(async () => {
    await A?.app.close();
    await B?.app.close();
    await A?.t.close();
    await B?.t.close();
  });

  /** What a refused import must leave as it was. */
  async function state(i: Installation): Promise<string> {
    const [r] = await i.t.ds.query(`SELECT (SELECT count(*) FROM stats_bundles) AS bundles, (SELECT count(*) FROM audit_logs) AS audit,
      (SELECT string_agg(id::text || status || COALESCE(superseded_by::text, '-'), ',' ORDER BY id) FROM stats_bundles) AS rows`);
    return JSON.stringify(r);
  }

  /** Re-signs a payload with A's genuine private key (as a sender with a bug, or a forger holding the key, would). */
  async function resignWithA(env: BundleEnvelope): Promise<BundleEnvelope> {
    const [row] = await A.t.ds.query(`SELECT private_key_sealed FROM stats_installation_key`);
    const key = privateKeyFromPkcs8(new SecretBox(A.key).open(row.private_key_sealed));
    return { ...env, signature: { ...env.signature, value: signText(canonicalJson(env.payload), key) } };
  }

  const importToB = (b: unknown, year = 2018) =>
    B.http().post('/api/v1/stats/bundles').send({ org: B.f.orgs.county.id, year, template: 'gov-2014', bundle: b });

  it('A: no bundle before the report is frozen (409), then a signed bundle of the frozen report', async () => {
    const q = { org: A.f.orgs.county.id, year: 2018 };
    const early = await A.http().get('/api/v1/stats/reports/gov-2014/bundle').query(q).expect(409);
    expect(early.body.code).toBe('REPORT_NOT_FROZEN');
    await A.http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ ...q, entries: { '3-1': 3, '7': '0.5' } })
      .expect(200);
    await A.http()
      .post('/api/v1/stats/reports/gov-2014/freeze')
      .send({ ...q, signoff: SIGNOFF })
      .expect(201);
    // A publication after the freeze stays out of the bundle's lists (the frozen 10, not 11).
    await A.f.publish('i7', 'portal', '2018-12-30T02:00:00Z');
    expect(
      (
        await A.http()
          .get('/api/v1/stats/reports/gov-2014/bundle')
          .query({ ...q, subtree: 'false' })
          .expect(409)
      ).body.code,
    ).toBe('REPORT_NOT_FROZEN');
    const r = await A.http().get('/api/v1/stats/reports/gov-2014/bundle').query(q).expect(200);
    expect(r.headers['content-disposition']).toContain('.json');
    bundle = r.body;
    const pl = bundle.payload;
    expect(bundle.signature).toMatchObject({ alg: 'Ed25519', keyId: pl.signer.keyId });
    expect(pl).toMatchObject({ template: { id: 'gov-2014' }, period: { year: 2018, from: '2018-01-01', to: '2018-12-31' }, subtree: true, signoff: SIGNOFF });
    expect([pl.figures['1-1'], pl.figures['1-2-4'], pl.figures['3-1'], pl.figures['7']]).toEqual([10, 2, 3, 0.5]);
    expect(pl.drill['1-1'].count).toBe(10);
    expect(pl.drill['1-1'].items.map((i) => i.itemId)).not.toContain(A.f.items.i7.id);
    expect(pl.drill['1-2-4'].items.map((i) => i.indexNo)).toEqual([A.f.items.i1.indexNo, A.f.items.i11.indexNo]);
    expect(pl.drill['1-1'].digest).toBe(canonicalDigest(pl.drill['1-1'].items));
    expect(pl.manual).toEqual(
      expect.arrayContaining([
        { cellId: '3-1', value: 3, enteredBy: '统计员', enteredAt: expect.any(String) },
        { cellId: '7', value: 0.5, enteredBy: '统计员', enteredAt: expect.any(String) },
      ]),
    );
    expect(pl.checks.find((c) => c.id === 'responses-add-up')).toMatchObject({ ok: true });
    // A's admin sees the public key the bundle names.
    A.as('admin');
    const keys = await A.http().get('/api/v1/stats/senders').query({ org: A.f.orgs.county.id }).expect(200);
    A.as('statistician');
    expect(keys.body.installation).toMatchObject({ algorithm: 'Ed25519', keyId: pl.signer.keyId, publicKey: pl.signer.publicKey });
    expect(keys.body.installation.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('B refuses a bundle signed by a key it has not registered, writing nothing', async () => {
    const before = await state(B);
    const r = await importToB(bundle).expect(422);
    expect(r.body).toMatchObject({ code: 'BUNDLE_UNKNOWN_KEY', details: [{ field: 'bundle.signature.keyId', reason: '未登记的报送单位公钥' }] });
    expect(r.body.message).toContain('未登记');
    expect(await state(B)).toBe(before);
  });

  it('B registers A as a sender (admin only) and shows it as 未报', async () => {
    const body = { org: B.f.orgs.county.id, name: '示范县', publicKey: bundle.payload.signer.publicKey };
    expect((await B.http().post('/api/v1/stats/senders').send(body).expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    B.as('admin');
    const bad = await B.http()
      .post('/api/v1/stats/senders')
      .send({ ...body, publicKey: 'bm90IGEga2V5' })
      .expect(400);
    expect(bad.body.details).toEqual([{ field: 'publicKey', reason: expect.stringContaining('不是有效的签名公钥') }]);
    const reg = await B.http().post('/api/v1/stats/senders').send(body).expect(201);
    expect(reg.body).toMatchObject({ name: '示范县', keyId: bundle.payload.signer.keyId });
    expect((await B.http().post('/api/v1/stats/senders').send(body).expect(409)).body.code).toBe('SENDER_EXISTS');
    const list = await B.http().get('/api/v1/stats/senders').query({ org: B.f.orgs.county.id }).expect(200);
    expect(list.body.senders.map((s: any) => s.name)).toEqual(['示范县']);
    expect(list.body.installation.keyId).not.toBe(bundle.payload.signer.keyId); // B's own key differs
    B.as('statistician');
    const st = await B.http().get('/api/v1/stats/bundles').query({ org: B.f.orgs.county.id, year: 2018, template: 'gov-2014' }).expect(200);
    expect(st.body.rows).toEqual([expect.objectContaining({ template: 'gov-2014', status: 'missing', statusLabel: '未报', bundle: null })]);
  });

  it('refuses a tampered bundle, the wrong period, a broken drill list and broken arithmetic — writing nothing', async () => {
    const before = await state(B);
    const tampered = JSON.parse(JSON.stringify(bundle)) as BundleEnvelope;
    tampered.payload.figures['1-1'] = 11;
    const t = await importToB(tampered).expect(422);
    expect(t.body).toMatchObject({ code: 'BUNDLE_TAMPERED', details: [{ field: 'bundle.signature', reason: expect.stringContaining('篡改') }] });

    const wrong = await importToB(bundle, 2019).expect(422);
    expect(wrong.body).toMatchObject({ code: 'BUNDLE_WRONG_PERIOD', details: [{ field: 'bundle.payload.period', reason: '报送包为2018年度，应为2019年度' }] });

    // Signed by the genuine key, but one item dropped from a list whose digest is kept.
    const dropped = JSON.parse(JSON.stringify(bundle)) as BundleEnvelope;
    dropped.payload.drill['1-2-4'].items.pop();
    const d = await importToB(await resignWithA(dropped)).expect(422);
    expect(d.body.code).toBe('BUNDLE_TAMPERED');
    expect(d.body.details).toEqual([{ field: 'bundle.payload.drill.1-2-4.digest', reason: '明细清单的摘要与内容不符' }]);

    // Signed by the genuine key, list and digest consistent, but 4 + 5 = (一) no longer holds.
    const arith = JSON.parse(JSON.stringify(bundle)) as BundleEnvelope;
    const cell = arith.payload.drill['2-2-5'];
    cell.items.push({ itemId: '00000000-0000-4000-8000-000000000001', indexNo: 'X-1', title: '虚构回应', organisationName: '示范县' });
    cell.count = cell.items.length;
    cell.digest = canonicalDigest(cell.items);
    arith.payload.figures['2-2-5'] = cell.count;
    const a = await importToB(await resignWithA(arith)).expect(422);
    expect(a.body.code).toBe('BUNDLE_CHECKS_FAILED');
    expect(a.body.details).toEqual([
      { field: 'bundle.payload.checks.responses-add-up', reason: expect.stringContaining('微博微信回应事件数与其他方式回应事件数之和等于回应总数') },
    ]);

    expect((await importToB({ payload: {} }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect(await state(B)).toBe(before);
  });

  it('imports, returns with comments, takes the resubmission in its place, accepts, and aggregates with its own ledger', async () => {
    const q = { org: B.f.orgs.county.id, year: 2018, template: 'gov-2014' };
    const first = await importToB(bundle).expect(201);
    expect(first.body).toMatchObject({ status: 'submitted', statusLabel: '已报', organisation: { name: A.f.orgs.county.name }, signoff: SIGNOFF });
    expect((await importToB(bundle).expect(409)).body.code).toBe('BUNDLE_PENDING');
    let st = await B.http().get('/api/v1/stats/bundles').query(q).expect(200);
    expect(st.body.rows[0]).toMatchObject({ status: 'submitted', statusLabel: '已报', bundle: { id: first.body.id } });

    expect((await B.http().post(`/api/v1/stats/bundles/${first.body.id}/return`).send({ comment: ' ' }).expect(400)).body.details[0].field).toBe('comment');
    const ret = await B.http().post(`/api/v1/stats/bundles/${first.body.id}/return`).send({ comment: '依申请公开数据与台账不一致，请核实后重报' }).expect(200);
    expect(ret.body).toMatchObject({ status: 'returned', statusLabel: '退回', returnComment: '依申请公开数据与台账不一致，请核实后重报' });
    st = await B.http().get('/api/v1/stats/bundles').query(q).expect(200);
    expect(st.body.rows[0]).toMatchObject({ status: 'returned', statusLabel: '退回', bundle: { returnComment: '依申请公开数据与台账不一致，请核实后重报' } });
    expect((await B.http().post(`/api/v1/stats/bundles/${first.body.id}/accept`).expect(409)).body.code).toBe('BUNDLE_NOT_PENDING');

    // A sends again: the new bundle replaces the returned one.
    const again = (await A.http().get('/api/v1/stats/reports/gov-2014/bundle').query({ org: A.f.orgs.county.id, year: 2018 }).expect(200)).body;
    const second = await importToB(again).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.replaced).toEqual([expect.objectContaining({ id: first.body.id, returnComment: '依申请公开数据与台账不一致，请核实后重报' })]);
    st = await B.http().get('/api/v1/stats/bundles').query(q).expect(200);
    expect(st.body.rows).toHaveLength(1);
    expect(st.body.rows[0]).toMatchObject({ status: 'submitted', bundle: { id: second.body.id } });
    expect((await B.http().post(`/api/v1/stats/bundles/${first.body.id}/return`).send({ comment: '再退' }).expect(409)).body.code).toBe('BUNDLE_NOT_PENDING');

    // B's own figures before aggregating: the same fixture, not frozen.
    await B.http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ org: B.f.orgs.county.id, year: 2018, entries: { '3-1': 5 } })
      .expect(200);
    const own = (await B.http().get('/api/v1/stats/reports/gov-2014').query({ org: B.f.orgs.county.id, year: 2018 }).expect(200)).body;
    expect([own.values['1-1'], own.values['3-1'], own.values['7']]).toEqual([10, 5, null]);
    // Not accepted yet: the aggregate is B's own report.
    let agg = await B.http().get('/api/v1/stats/reports/gov-2014/aggregate').query({ org: B.f.orgs.county.id, year: 2018 }).expect(200);
    expect([agg.body.values['1-1'], agg.body.aggregate.bundles]).toEqual([10, []]);

    const acc = await B.http().post(`/api/v1/stats/bundles/${second.body.id}/accept`).expect(200);
    expect(acc.body).toMatchObject({ status: 'accepted', statusLabel: '已采纳' });
    expect((await importToB(again).expect(409)).body.code).toBe('BUNDLE_ACCEPTED');
    st = await B.http().get('/api/v1/stats/bundles').query(q).expect(200);
    expect(st.body.counts).toEqual({ missing: 0, submitted: 0, returned: 0, accepted: 1 });

    agg = await B.http().get('/api/v1/stats/reports/gov-2014/aggregate').query({ org: B.f.orgs.county.id, year: 2018 }).expect(200);
    // Distinct items add across installations (an item lives in one installation only): 10 + 10.
    expect(agg.body.values['1-1']).toBe(20);
    expect(agg.body.values['1-2-4']).toBe(4);
    expect(agg.body.values['2-1']).toBe(own.values['2-1'] + bundle.payload.figures['2-1']!);
    expect(agg.body.values['3-1']).toBe(8); // 5 + 3 hand-entered
    expect(agg.body.values['7']).toBe(0.5); // B has none, A 0.5
    expect(agg.body.checks.every((c: any) => c.severity !== 'error' || c.ok)).toBe(true);
    expect(agg.body.aggregate.bundles).toEqual([expect.objectContaining({ id: second.body.id, senderName: '示范县' })]);
    const x = await B.http()
      .get('/api/v1/stats/reports/gov-2014/aggregate')
      .query({ org: B.f.orgs.county.id, year: 2018, format: 'xlsx' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body);
    expect(wb.getWorksheet('统计表')!.getCell('C6').value).toBe(20);

    // The totals added at acceptance are what recomputing them from the accepted bundles gives.
    const totals = () => B.t.ds.query(`SELECT cell_id, total::text FROM stats_bundle_totals ORDER BY 1`);
    const incremental = await totals();
    expect(incremental.find((r: any) => r.cell_id === '1-1')).toEqual({ cell_id: '1-1', total: '10' });
    await rebuildBundleTotals(B.t.ds);
    expect(await totals()).toEqual(incremental);

    const audit = await B.t.ds.query(`SELECT action FROM audit_logs WHERE action LIKE 'stats.%' ORDER BY id`);
    expect(audit.map((r: any) => r.action)).toEqual([
      'stats.sender_register',
      'stats.bundle_import',
      'stats.bundle_return',
      'stats.bundle_import',
      'stats.bundle_accept',
    ]);
  });

  it('only the receiving organisation sees and decides its bundles', async () => {
    B.as('editor');
    await B.http().get('/api/v1/stats/bundles').query({ org: B.f.orgs.county.id, year: 2018 }).expect(403);
    B.as('statistician');
    const [{ id }] = await B.t.ds.query(`SELECT id FROM stats_bundles WHERE status = 'accepted'`);
    await B.http().get('/api/v1/stats/bundles').query({ org: B.f.orgs.other.id, year: 2018 }).expect(403);
    await B.http().post('/api/v1/stats/bundles/00000000-0000-4000-8000-000000000009/accept').expect(404);
    await B.http().get('/api/v1/stats/senders').query({ org: B.f.orgs.county.id }).expect(403);
    expect(id).toBeTruthy();
  });
});
