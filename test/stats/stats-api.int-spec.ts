import { ArgumentsHost, CanActivate, Catch, ExceptionFilter, ExecutionContext, HttpException, INestApplication, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { can, type Permission } from '@app/common/auth/permissions';
import { PERMISSION_KEY } from '@app/common/auth/require-permission.decorator';
import { appDataSourceOptions } from '@app/composition/app-database';
import { createTestDataSource } from '@app/test/utils/test-db';
import { StatsModule } from '@app/stats/stats.module';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

/** Stand-ins for the api app's global pieces: the JWT guard (a fixed user), roles, the error shape. */
let currentUser: AuthUser;

@Injectable()
class FakeAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest();
    req.user = currentUser;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (permission && !can(currentUser, permission)) throw AppError.forbidden('FORBIDDEN_ROLE', '没有所需的角色');
    return true;
  }
}

@Catch()
class ErrorShapeFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    if (e instanceof AppError) return res.status(e.status).json({ statusCode: e.status, code: e.code, message: e.message, details: e.details });
    if (e instanceof HttpException) return res.status(e.getStatus()).json({ statusCode: e.getStatus(), code: 'HTTP', message: e.message, details: [] });
    return res.status(500).json({ statusCode: 500, code: 'INTERNAL', message: String(e), details: [] });
  }
}

function binary(res: any, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('stats API (Nest app, real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let f: StatsFixture;
  let app: INestApplication;
  let statistician: AuthUser;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    t = await createTestDataSource('statsapi');
    f = await buildFixture(t.ds);
    await publishAll(f, t.ds);
    statistician = { id: f.userId, username: 'stat', displayName: '统计员', roles: [{ organisationId: f.orgs.county.id, role: 'statistician' }] };
    currentUser = statistician;
    const mod = await Test.createTestingModule({ imports: [TypeOrmModule.forRoot(appDataSourceOptions(t.url)), StatsModule] }).compile();
    app = mod.createNestApplication({ logger: false });
    app.setGlobalPrefix('api/v1');
    app.useGlobalGuards(new FakeAuthGuard(app.get(Reflector)));
    app.useGlobalFilters(new ErrorShapeFilter());
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await t.close();
  });
  beforeEach(() => {
    currentUser = statistician;
  });

  it('GET channel-counts', async () => {
    const r = await http().get('/api/v1/stats/channel-counts').query({ org: f.orgs.county.id, year: 2018 }).expect(200);
    expect(r.body).toMatchObject({ total: 10, byReportRow: { gazette: 0, portal: 9, weibo: 1, wechat: 2, other: 1 }, subtree: true, source: 'rollup' });
    const own = await http()
      .get('/api/v1/stats/channel-counts')
      .query({ org: f.orgs.county.id, subtree: 'false', from: '2018-01-01', to: '2018-12-31' })
      .expect(200);
    expect(own.body.total).toBe(6);
    const raw = await http().get('/api/v1/stats/channel-counts').query({ org: f.orgs.county.id, year: 2018, source: 'ledger' }).expect(200);
    expect([raw.body.source, raw.body.total]).toEqual(['ledger', 10]);
  });

  it('GET a report as JSON, XLSX and CSV', async () => {
    const j = await http().get('/api/v1/stats/reports/gov-2014').query({ org: f.orgs.county.id, year: 2018 }).expect(200);
    expect(j.body.values['1-1']).toBe(10);
    expect(j.body.values['1-2-4']).toBe(2);
    const x = await http()
      .get('/api/v1/stats/reports/gov-2014')
      .query({ org: f.orgs.county.id, year: 2018, format: 'xlsx' })
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    expect(x.headers['content-disposition']).toContain('gov-2014-');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body);
    const ws = wb.getWorksheet('统计表')!;
    expect(ws.getCell('A1').value).toBe('政府信息公开情况统计表');
    expect(ws.getCell('C5').value).toBe(null); // 一、主动公开情况 (heading)
    expect(ws.getCell('C6').value).toBe(10);
    const c = await http().get('/api/v1/stats/reports/gov-2021').query({ org: f.orgs.county.id, year: 2018, format: 'csv' }).expect(200);
    expect(c.headers['content-type']).toContain('text/csv');
    expect(c.text.startsWith('\uFEFF单元格编号,表,统计指标,单位,统计数,来源')).toBe(true);
    expect(c.text).toContain('t2.normative.written,二、主动公开政府信息情况,第二十条第（一）项 行政规范性文件 / 本年制发件数,件,3,系统计算');
    const b = await http().get('/api/v1/stats/reports/bulletin').query({ org: f.orgs.county.id, year: 2018, month: 12 }).expect(200);
    expect(b.body.values['subtree.total']).toBe(1);
    const tpls = await http().get('/api/v1/stats/templates').expect(200);
    expect(tpls.body.map((x: any) => x.id).sort()).toEqual(['bulletin', 'gov-2014', 'gov-2019', 'gov-2021', 'website-annual']);
  });

  it('GET cell items as JSON and CSV', async () => {
    const r = await http().get('/api/v1/stats/reports/gov-2014/cells/1-2-4/items').query({ org: f.orgs.county.id, year: 2018 }).expect(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((i: any) => i.indexNo)).toEqual([f.items.i1.indexNo, f.items.i11.indexNo]);
    const c = await http().get('/api/v1/stats/reports/gov-2014/cells/1-2-4/items').query({ org: f.orgs.county.id, year: 2018, format: 'csv' }).expect(200);
    expect(c.text.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('answers bad input with 4xx and the error shape', async () => {
    const q = { org: f.orgs.county.id, year: 2018 };
    expect((await http().get('/api/v1/stats/reports/gov-1999').query(q).expect(404)).body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await http().get('/api/v1/stats/channel-counts').query({ org: '7d0c5a8e-0000-4000-8000-000000000000', year: 2018 }).expect(404)).body.code).toBe(
      'NOT_FOUND',
    );
    expect((await http().get('/api/v1/stats/channel-counts').query({ org: 'nope', year: 2018 }).expect(404)).body.code).toBe('NOT_FOUND');
    const end = await http().get('/api/v1/stats/channel-counts').query({ org: f.orgs.county.id, from: '2019-02-01', to: '2019-01-31' }).expect(400);
    expect(end.body).toMatchObject({ code: 'PERIOD_END_BEFORE_START', details: [{ field: 'to', reason: expect.any(String) }] });
    expect(
      (await http().get('/api/v1/stats/reports/gov-2014').query({ org: f.orgs.county.id, from: '2010-01-01', to: '2020-06-30' }).expect(400)).body.code,
    ).toBe('PERIOD_TOO_LONG');
    expect((await http().get('/api/v1/stats/reports/gov-2014').query({ org: f.orgs.county.id, year: 2018, format: 'pdf' }).expect(400)).body.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await http().get('/api/v1/stats/reports/gov-2014/cells/3-1/items').query(q).expect(400)).body.code).toBe('CELL_NOT_COMPUTED');
    // Organisation outside the user's scope.
    expect((await http().get('/api/v1/stats/channel-counts').query({ org: f.orgs.other.id, year: 2018 }).expect(403)).body.code).toBe('FORBIDDEN_ROLE');
    // A user without the statistician role.
    currentUser = { ...statistician, roles: [{ organisationId: f.orgs.county.id, role: 'editor' }] };
    await http().get('/api/v1/stats/channel-counts').query(q).expect(403);
    currentUser = statistician;
    const neg = await http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ org: f.orgs.county.id, year: 2018, entries: { '3-1': -1 } })
      .expect(400);
    expect(neg.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('entries.3-1'),
      details: [{ field: 'entries.3-1', reason: '不能为负数（须为非负整数）' }],
    });
    const type = await http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ org: f.orgs.county.id, year: 2018, entries: { '3-1': 'many', '7': '1.2.3' } })
      .expect(400);
    expect(type.body.details.map((d: any) => d.field)).toEqual(['entries.7', 'entries.3-1']);
    await http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ org: f.orgs.county.id, year: 'last', entries: { '3-1': 1 } })
      .expect(400);
    await http()
      .put('/api/v1/stats/reports/bulletin/manual')
      .send({ org: f.orgs.county.id, year: 2018, entries: { x: 1 } })
      .expect(400);
    const sign = await http()
      .post('/api/v1/stats/reports/gov-2014/freeze')
      .send({ org: f.orgs.county.id, year: 2018, signoff: { unitHead: '甲' } })
      .expect(400);
    expect(sign.body.details.map((d: any) => d.field)).toEqual(['signoff.reviewer', 'signoff.preparer', 'signoff.phone', 'signoff.filledDate']);
  });

  it('PUT manual, POST freeze, then 409 on edits and GET frozen', async () => {
    const put = await http()
      .put('/api/v1/stats/reports/gov-2014/manual')
      .send({ org: f.orgs.county.id, year: 2018, entries: { '3-1': 3, '7': '0.5' } })
      .expect(200);
    expect([put.body.values['3-1'], put.body.values['7']]).toEqual([3, 0.5]);
    const signoff = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' };
    const fr = await http().post('/api/v1/stats/reports/gov-2014/freeze').send({ org: f.orgs.county.id, year: 2018, signoff }).expect(201);
    expect(fr.body).toMatchObject({ source: 'frozen', signoff, values: { '1-1': 10, '3-1': 3 } });
    expect((await http().post('/api/v1/stats/reports/gov-2014/freeze').send({ org: f.orgs.county.id, year: 2018, signoff }).expect(409)).body.code).toBe(
      'REPORT_FROZEN',
    );
    expect(
      (
        await http()
          .put('/api/v1/stats/reports/gov-2014/manual')
          .send({ org: f.orgs.county.id, year: 2018, entries: { '3-1': 4 } })
          .expect(409)
      ).body.code,
    ).toBe('REPORT_FROZEN');
    await f.publish('i7', 'portal', '2018-12-30T02:00:00Z');
    const view = await http().get('/api/v1/stats/reports/gov-2014/frozen').query({ org: f.orgs.county.id, year: 2018 }).expect(200);
    expect(view.body.report.values['1-1']).toBe(10);
    expect(view.body.changesSinceFreeze.cells.find((c: any) => c.cellId === '1-1')).toMatchObject({ frozen: 10, current: 11, changed: true });
    expect(view.body.changesSinceFreeze.addedItems.map((i: any) => i.itemId)).toEqual([f.items.i7.id]);
    const again = await http().get('/api/v1/stats/reports/gov-2014').query({ org: f.orgs.county.id, year: 2018 }).expect(200);
    expect([again.body.source, again.body.values['1-1']]).toEqual(['frozen', 10]);
    const live = await http().get('/api/v1/stats/reports/gov-2014').query({ org: f.orgs.county.id, year: 2018, live: 'true' }).expect(200);
    expect([live.body.source, live.body.values['1-1']]).toEqual(['live', 11]);
    const x = await http()
      .get('/api/v1/stats/reports/gov-2014/frozen')
      .query({ org: f.orgs.county.id, year: 2018, format: 'xlsx' })
      .buffer(true)
      .parse(binary)
      .expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body);
    const ws = wb.getWorksheet('统计表')!;
    expect(ws.getCell('C6').value).toBe(10);
    let footer = '';
    ws.eachRow((row) => {
      const v = String(row.getCell(1).value ?? '');
      if (v.startsWith('单位负责人')) footer = v;
    });
    expect(footer).toBe('单位负责人：杨庸庸\u3000\u3000审核人：符冬媛\u3000\u3000填报人：周晓佳');
    await http().get('/api/v1/stats/reports/gov-2014/frozen').query({ org: f.orgs.county.id, year: 2017 }).expect(404);

    // The own-only variant (issue 16 point 5): live until frozen itself, then frozen on its own.
    const own = { org: f.orgs.county.id, year: 2018, subtree: 'false' };
    const ownLive = await http().get('/api/v1/stats/reports/gov-2014').query(own).expect(200);
    expect([ownLive.body.source, ownLive.body.frozen, ownLive.body.values['1-1']]).toEqual(['live', null, 7]); // i7 is the county's
    await http().get('/api/v1/stats/reports/gov-2014/frozen').query(own).expect(404);
    const ownFrozen = await http()
      .post('/api/v1/stats/reports/gov-2014/freeze')
      .send({ org: f.orgs.county.id, year: 2018, subtree: false, signoff })
      .expect(201);
    expect([ownFrozen.body.source, ownFrozen.body.subtree, ownFrozen.body.values['1-1']]).toEqual(['frozen', false, 7]);
    const ownView = await http().get('/api/v1/stats/reports/gov-2014/frozen').query(own).expect(200);
    expect([ownView.body.report.subtree, ownView.body.report.values['1-1']]).toEqual([false, 7]);
    const subView = await http()
      .get('/api/v1/stats/reports/gov-2014/frozen')
      .query({ ...own, subtree: 'true' })
      .expect(200);
    expect([subView.body.report.subtree, subView.body.report.values['1-1']]).toEqual([true, 10]);
  });
});
