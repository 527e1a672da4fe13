import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { rolesFor } from '@app/common/auth/permissions';
import type { Role } from '@app/domain/enums/domain-enums';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { LedgerQueryService } from './ledger-query.service';
import type { ChannelCountsView, SourceChoice } from './ledger-query.types';
import { parsePeriod, Period, PeriodQuery } from './period';
import type { FreezesView, ReopenResult, TemplateInfo } from './report-doc.types';
import { ReportReopenService, validateReopenReason } from './report-reopen.service';
import { contentDisposition, ReportExportService } from './report-export.service';
import { validateManualEntries, validateSignoff } from './report-logic';
import { ReportService } from './report.service';

const STATS_ROLES: Role[] = rolesFor('stats.read');
const REOPEN_ROLES: Role[] = rolesFor('stats.reopen');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPE = 'text/csv; charset=utf-8';

interface ScopeQuery extends PeriodQuery {
  org?: string;
  subtree?: string;
  format?: string;
  source?: string;
  limit?: string;
  offset?: string;
}

function parseBool(field: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  throw AppError.validation([{ field, reason: '必须是 true 或 false' }]);
}

function parseFormat<T extends string>(v: unknown, allowed: T[]): T {
  const f = (v === undefined || v === '' ? allowed[0] : v) as T;
  if (!allowed.includes(f)) throw AppError.validation([{ field: 'format', reason: `必须是 ${allowed.join('、')} 之一` }]);
  return f;
}

function parseSource(v: unknown): SourceChoice {
  if (v === undefined || v === '') return 'auto';
  if (v === 'auto' || v === 'rollup' || v === 'ledger') return v;
  throw AppError.validation([{ field: 'source', reason: '必须是 auto、rollup 或 ledger' }]);
}

function parseYear(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1990 || n > 2999) throw AppError.validation([{ field: 'year', reason: '必须是 1990 至 2999 之间的年份' }]);
  return n;
}

function parsePaging(q: ScopeQuery): { limit: number; offset: number } {
  const num = (field: string, v: string | undefined, dflt: number, max: number) => {
    if (v === undefined || v === '') return dflt;
    if (!/^\d+$/.test(v) || Number(v) > max) throw AppError.validation([{ field, reason: `必须是 0 至 ${max} 的整数` }]);
    return Number(v);
  };
  return { limit: num('limit', q.limit, 500, 5000), offset: num('offset', q.offset, 0, 10_000_000) };
}

function fileName(kind: string, doc: { organisation: { code: string }; period: { from: string; to: string; year: number | null } }, ext: string) {
  const p = doc.period.year !== null ? String(doc.period.year) : `${doc.period.from}_${doc.period.to}`;
  return `${kind}-${doc.organisation.code}-${p}.${ext}`;
}

const PERIOD_QUERIES = [
  ApiQuery({ name: 'year', required: false, description: '年份（与 from/to 二选一）' }),
  ApiQuery({ name: 'quarter', required: false, description: '季度 1–4（须同时给出 year）' }),
  ApiQuery({ name: 'month', required: false, description: '月份 1–12（须同时给出 year）' }),
  ApiQuery({ name: 'from', required: false, description: '开始日期 YYYY-MM-DD（北京时间，含当日）' }),
  ApiQuery({ name: 'to', required: false, description: '结束日期 YYYY-MM-DD（北京时间，含当日），期间不超过10年' }),
];

function ApiPeriod(): MethodDecorator {
  return (target, key, desc) => {
    for (const d of PERIOD_QUERIES) d(target, key, desc);
  };
}

/** Statistics for the statistician role: channel counts, report tables, drill-downs, manual entries, freeze. */
@ApiTags('stats')
@ApiBearerAuth()
@RequirePermission('stats.read')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly orgScope: OrgScopeService,
    private readonly ledger: LedgerQueryService,
    private readonly reports: ReportService,
    private readonly exporter: ReportExportService,
    private readonly reopener: ReportReopenService,
  ) {}

  private async org(user: AuthUser, orgId: unknown): Promise<Organisation> {
    if (typeof orgId !== 'string' || !orgId) throw AppError.validation([{ field: 'org', reason: '请指定机构（org）' }]);
    return this.orgScope.assertRole(user, orgId, STATS_ROLES);
  }

  @Get('templates')
  @ApiOperation({ summary: '报表模板列表' })
  templates(): TemplateInfo[] {
    return this.reports
      .listTemplates()
      .map((t) => ({ id: t.id, title: t.title, subtitle: t.subtitle, layout: t.layout, annual: t.annual, description: t.description }));
  }

  @Get('channel-counts')
  @ApiOperation({ summary: '分渠道信息发布数（去重）', description: '总数、按渠道类型、按账号、按主题分类、按类别，以及一致性校验' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'subtree', required: false, description: '是否包含下级单位，默认 true' })
  @ApiQuery({ name: 'source', required: false, enum: ['auto', 'rollup', 'ledger'] })
  @ApiPeriod()
  async channelCounts(@CurrentUser() user: AuthUser, @Query() q: ScopeQuery): Promise<ChannelCountsView> {
    const org = await this.org(user, q.org);
    const subtree = parseBool('subtree', q.subtree, true);
    const period = parsePeriod(q);
    const source = parseSource(q.source);
    if (source === 'rollup' && period.grain === 'custom') {
      throw AppError.validation([{ field: 'source', reason: '自定义期间只能从台账直接统计' }]);
    }
    const counts = await this.ledger.channelCounts({ orgId: org.id, orgPath: org.path, subtree }, period, source);
    return {
      organisation: { id: org.id, name: org.name, code: org.code },
      subtree,
      period: { from: period.from, to: period.to, grain: period.grain, label: period.label },
      ...counts,
    };
  }

  @Get('reports/:template')
  @ApiOperation({ summary: '统计报表', description: '已封存的年度报表返回封存时的数字；format=xlsx 为官方表样，csv 为数字清单' })
  @ApiParam({ name: 'template', enum: ['gov-2014', 'gov-2021', 'bulletin'] })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'subtree', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx', 'csv'] })
  @ApiQuery({ name: 'live', required: false, description: 'true 时忽略封存，按当前台账计算' })
  @ApiPeriod()
  async report(
    @CurrentUser() user: AuthUser,
    @Param('template') template: string,
    @Query() q: ScopeQuery & { live?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    const tpl = this.reports.template(template);
    const format = parseFormat(q.format, ['json', 'xlsx', 'csv']);
    const org = await this.org(user, q.org);
    const subtree = parseBool('subtree', q.subtree, true);
    const period = parsePeriod(q);
    const source = parseSource(q.source);
    const doc = parseBool('live', q.live, false)
      ? await this.reports.computeLive(tpl, org, subtree, period, undefined, source)
      : await this.reports.report(tpl.id, org, subtree, period, source);
    return this.send(res, doc, format, tpl.id);
  }

  private async send(res: Response, doc: Awaited<ReturnType<ReportService['report']>>, format: 'json' | 'xlsx' | 'csv', kind: string) {
    if (format === 'xlsx') {
      const buf = await this.exporter.toXlsx(doc);
      return new StreamableFile(buf, { type: XLSX_TYPE, disposition: contentDisposition(fileName(kind, doc, 'xlsx')) });
    }
    if (format === 'csv') {
      res.setHeader('Content-Type', CSV_TYPE);
      res.setHeader('Content-Disposition', contentDisposition(fileName(kind, doc, 'csv')));
      return new StreamableFile(Buffer.from(this.exporter.figuresCsv(doc), 'utf8'), { type: CSV_TYPE });
    }
    return doc;
  }

  @Get('reports/:template/cells/:cell/items')
  @ApiOperation({ summary: '单元格明细', description: '计算得出的单元格背后的信息：标题、索引号、渠道、发布时间、链接' })
  @ApiParam({ name: 'template' })
  @ApiParam({ name: 'cell', description: '单元格编号，如 1-1、t2.normative.written、acct.<账号ID>.items' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'subtree', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'limit', required: false, description: 'JSON 每页条数，默认 500，最多 5000（CSV 为全部）' })
  @ApiQuery({ name: 'offset', required: false })
  @ApiPeriod()
  async cellItems(
    @CurrentUser() user: AuthUser,
    @Param('template') template: string,
    @Param('cell') cell: string,
    @Query() q: ScopeQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const tpl = this.reports.template(template);
    const format = parseFormat(q.format, ['json', 'csv']);
    const org = await this.org(user, q.org);
    const subtree = parseBool('subtree', q.subtree, true);
    const period: Period = parsePeriod(q);
    const paging = format === 'csv' ? { limit: 1_000_000, offset: 0 } : parsePaging(q);
    const d = await this.reports.drill(tpl.id, org, subtree, period, cell, paging);
    if (format === 'csv') {
      res.setHeader('Content-Type', CSV_TYPE);
      res.setHeader('Content-Disposition', contentDisposition(`${tpl.id}-${cell}-${org.code}-${period.year ?? `${period.from}_${period.to}`}.csv`));
      return new StreamableFile(Buffer.from(this.exporter.drillCsv(d), 'utf8'), { type: CSV_TYPE });
    }
    return d;
  }

  @Put('reports/:template/manual')
  @ApiOperation({ summary: '填报手工数据', description: '按机构、年度保存；数值为 null 表示清除；已封存的年度返回 409' })
  @ApiParam({ name: 'template' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'year', 'entries'],
      properties: {
        org: { type: 'string', format: 'uuid' },
        year: { type: 'integer', example: 2018 },
        subtree: { type: 'boolean', default: true },
        entries: {
          type: 'object',
          additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true },
          example: { '3-1': 12, '7': '0.35' },
        },
      },
    },
  })
  @ApiOkResponse({ description: '保存后的报表（当前数字）' })
  async manual(@CurrentUser() user: AuthUser, @Param('template') template: string, @Body() body: any) {
    const tpl = this.reports.template(template);
    if (!tpl.annual) throw AppError.badRequest('NOT_ANNUAL', `${tpl.title}没有手工填报项`, [{ field: 'template', reason: '仅年度报表有手工填报项' }]);
    const org = await this.org(user, body?.org);
    const year = parseYear(body?.year);
    const subtree = parseBool('subtree', body?.subtree, true);
    const entries = validateManualEntries(tpl, body?.entries);
    return this.reports.saveManual(tpl.id, org, year, entries, user, subtree);
  }

  @Post('reports/:template/manual/copy-previous-year')
  @HttpCode(200)
  @ApiOperation({
    summary: '复制上年手工填报数',
    description: '把同一机构、同一报表上一年度的手工填报数复制到本年度尚未填报的单元格（已填报的不覆盖），记入审计日志；已封存的年度返回 409',
  })
  @ApiParam({ name: 'template' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'year'],
      properties: { org: { type: 'string', format: 'uuid' }, year: { type: 'integer', example: 2019 }, subtree: { type: 'boolean', default: true } },
    },
  })
  @ApiOkResponse({ description: '{ fromYear, copied: 复制的单元格, kept: 本年已有数据未覆盖的单元格, report: 复制后的报表 }' })
  async copyPreviousYear(@CurrentUser() user: AuthUser, @Param('template') template: string, @Body() body: any) {
    const tpl = this.reports.template(template);
    if (!tpl.annual) throw AppError.badRequest('NOT_ANNUAL', `${tpl.title}没有手工填报项`, [{ field: 'template', reason: '仅年度报表有手工填报项' }]);
    const org = await this.org(user, body?.org);
    const year = parseYear(body?.year);
    const subtree = parseBool('subtree', body?.subtree, true);
    return this.reports.copyManualFromPreviousYear(tpl.id, org, year, user, subtree);
  }

  @Post('reports/:template/freeze')
  @ApiOperation({
    summary: '封存年度报表',
    description: '签署后数字不再变化；含下级单位的报表与本单位报表各自封存一次；必须通过的校验未通过时返回 422；重复封存返回 409',
  })
  @ApiParam({ name: 'template' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'year', 'signoff'],
      properties: {
        org: { type: 'string', format: 'uuid' },
        year: { type: 'integer' },
        subtree: { type: 'boolean', default: true },
        signoff: {
          type: 'object',
          required: ['unitHead', 'reviewer', 'preparer', 'phone', 'filledDate'],
          properties: {
            unitHead: { type: 'string', description: '单位负责人' },
            reviewer: { type: 'string', description: '审核人' },
            preparer: { type: 'string', description: '填报人' },
            phone: { type: 'string', description: '联系电话' },
            filledDate: { type: 'string', format: 'date', description: '填报日期' },
          },
        },
      },
    },
  })
  async freeze(@CurrentUser() user: AuthUser, @Param('template') template: string, @Body() body: any) {
    const tpl = this.reports.template(template);
    const org = await this.org(user, body?.org);
    const year = parseYear(body?.year);
    const subtree = parseBool('subtree', body?.subtree, true);
    const signoff = validateSignoff(body?.signoff);
    return this.reports.freeze(tpl.id, org, subtree, year, signoff, user);
  }

  @Get('reports/:template/frozen')
  @ApiOperation({ summary: '已封存的报表及封存后台账的变化', description: 'format=xlsx/csv 导出封存时的数字' })
  @ApiParam({ name: 'template' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'year', required: true })
  @ApiQuery({ name: 'subtree', required: false, description: 'true：含下级单位的报表；false：本单位报表；不填时优先含下级单位的' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx', 'csv'] })
  async frozen(@CurrentUser() user: AuthUser, @Param('template') template: string, @Query() q: ScopeQuery, @Res({ passthrough: true }) res: Response) {
    const tpl = this.reports.template(template);
    const format = parseFormat(q.format, ['json', 'xlsx', 'csv']);
    const org = await this.org(user, q.org);
    const year = parseYear(q.year);
    const subtree = q.subtree === undefined || q.subtree === '' ? undefined : parseBool('subtree', q.subtree, true);
    const view = await this.reports.frozenState(tpl.id, org, year, subtree);
    if (format !== 'json') {
      if (!view.report)
        throw AppError.conflict('REPORT_NOT_FROZEN', `${tpl.title}已重新打开（退回重填），尚未重新封存`, [
          { field: 'year', reason: '已重新打开，尚未重新封存' },
        ]);
      return this.send(res, view.report, format, tpl.id);
    }
    return view;
  }

  @Get('reports/:template/freezes')
  @ApiOperation({ summary: '报表的封存记录', description: '当前封存（未封存时为 null）及此前重新打开（退回重填）的封存历史：时间、封存人、重新打开人、原因' })
  @ApiParam({ name: 'template' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'year', required: true })
  @ApiQuery({ name: 'subtree', required: false, description: 'true（默认）：含下级单位的报表；false：本单位报表' })
  async freezes(@CurrentUser() user: AuthUser, @Param('template') template: string, @Query() q: ScopeQuery): Promise<FreezesView> {
    const tpl = this.reports.template(template);
    const org = await this.org(user, q.org);
    return this.reopener.freezes(tpl.id, org, parseYear(q.year), parseBool('subtree', q.subtree, true));
  }

  @Post('reports/:template/reopen')
  @HttpCode(200)
  @RequirePermission('stats.reopen')
  @ApiOperation({
    summary: '重新打开已封存的年度报表（退回重填）',
    description: '上级退回报送包后使用：当前封存转为历史记录（保留可查），手工填报数可再修改，修改后重新签署封存；必须填写原因；未封存返回 409',
  })
  @ApiParam({ name: 'template' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'year', 'reason'],
      properties: {
        org: { type: 'string', format: 'uuid' },
        year: { type: 'integer' },
        subtree: { type: 'boolean', default: true },
        reason: { type: 'string', minLength: 2, maxLength: 500, description: '重新打开的原因（如上级退回意见）' },
      },
    },
  })
  @ApiOkResponse({ description: '{ reopened: 转为历史的封存记录, report: 当前（未封存）报表, otherVariantFrozen: 另一口径是否仍封存 }' })
  async reopen(@CurrentUser() user: AuthUser, @Param('template') template: string, @Body() body: any): Promise<ReopenResult> {
    const tpl = this.reports.template(template);
    if (typeof body?.org !== 'string' || !body.org) throw AppError.validation([{ field: 'org', reason: '请指定机构（org）' }]);
    const org = await this.orgScope.assertRole(user, body.org, REOPEN_ROLES);
    const year = parseYear(body?.year);
    const subtree = parseBool('subtree', body?.subtree, true);
    const reason = validateReopenReason(body?.reason);
    return this.reopener.reopen(tpl.id, org, subtree, year, reason, user);
  }
}
