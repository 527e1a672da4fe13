import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { rolesFor } from '@app/common/auth/permissions';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { contentDisposition, ReportExportService } from '../report-export.service';
import { BundleAggregateService } from './bundle-aggregate.service';
import { BundleExportService } from './bundle-export.service';
import { BundleStoreService } from './bundle-store.service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function parseYear(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1990 || n > 2999) throw AppError.validation([{ field: 'year', reason: '必须是 1990 至 2999 之间的年份' }]);
  return n;
}

function parseSubtree(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  throw AppError.validation([{ field: 'subtree', reason: '必须是 true 或 false' }]);
}

/**
 * Upward reporting between installations (issue 16.4): a frozen report's signed bundle, the senders a
 * receiving organisation registers (admin), imports with verification, 退回 / 采纳, each sender's status,
 * and the receiver's report aggregated with its accepted bundles.
 */
@ApiTags('stats')
@ApiBearerAuth()
@RequirePermission('stats.read')
@Controller('stats')
export class BundlesController {
  constructor(
    private readonly orgScope: OrgScopeService,
    private readonly exporter: BundleExportService,
    private readonly store: BundleStoreService,
    private readonly aggregator: BundleAggregateService,
    private readonly xlsx: ReportExportService,
  ) {}

  private org(user: AuthUser, orgId: unknown, permission: 'stats.read' | 'stats.senders' = 'stats.read'): Promise<Organisation> {
    if (typeof orgId !== 'string' || !orgId) throw AppError.validation([{ field: 'org', reason: '请指定机构（org）' }]);
    return this.orgScope.assertRole(user, orgId, rolesFor(permission));
  }

  @Get('reports/:template/bundle')
  @ApiOperation({ summary: '生成上报的报送包', description: '已封存年度报表的签名报送包（Ed25519）；未封存返回 409' })
  @ApiParam({ name: 'template' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'year', required: true })
  @ApiQuery({ name: 'subtree', required: false, description: '默认 true（含下级）' })
  async bundle(
    @CurrentUser() user: AuthUser,
    @Param('template') template: string,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const tpl = this.exporter.template(template);
    const org = await this.org(user, q.org);
    const year = parseYear(q.year);
    const env = await this.exporter.export(tpl.id, org, parseSubtree(q.subtree), year);
    res.setHeader('Content-Disposition', contentDisposition(`报送包-${tpl.id}-${org.code}-${year}.json`));
    return env;
  }

  @Get('reports/:template/aggregate')
  @ApiOperation({ summary: '汇总报表（本级 + 已采纳的下级报送包）', description: '计数项、手工填报项逐项相加，合计与校验重新计算；format=xlsx 导出' })
  @ApiParam({ name: 'template' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'year', required: true })
  @ApiQuery({ name: 'subtree', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx'] })
  async aggregate(@CurrentUser() user: AuthUser, @Param('template') template: string, @Query() q: Record<string, string>) {
    const tpl = this.exporter.template(template);
    if (q.format !== undefined && q.format !== '' && q.format !== 'json' && q.format !== 'xlsx') {
      throw AppError.validation([{ field: 'format', reason: '必须是 json、xlsx 之一' }]);
    }
    const org = await this.org(user, q.org);
    const doc = await this.aggregator.aggregate(tpl.id, org, parseSubtree(q.subtree), parseYear(q.year));
    if (q.format === 'xlsx') {
      const buf = await this.xlsx.toXlsx(doc);
      return new StreamableFile(buf, { type: XLSX_TYPE, disposition: contentDisposition(`汇总-${tpl.id}-${org.code}-${doc.period.year}.xlsx`) });
    }
    return doc;
  }

  @Get('senders')
  @RequirePermission('stats.senders')
  @ApiOperation({ summary: '报送单位及其公钥', description: '本级登记的下级报送单位，以及本安装实例的签名公钥（交给上级登记）' })
  @ApiQuery({ name: 'org', required: true, description: '收取报送的机构' })
  async senders(@CurrentUser() user: AuthUser, @Query('org') orgId: string) {
    return this.store.senders(await this.org(user, orgId, 'stats.senders'));
  }

  @Post('senders')
  @RequirePermission('stats.senders')
  @ApiOperation({ summary: '登记报送单位公钥' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'name', 'publicKey'],
      properties: {
        org: { type: 'string', format: 'uuid', description: '收取报送的机构' },
        name: { type: 'string', description: '报送单位名称' },
        publicKey: { type: 'string', description: 'Ed25519 公钥（base64 或 PEM）' },
      },
    },
  })
  async registerSender(@CurrentUser() user: AuthUser, @Body() body: any) {
    const org = await this.org(user, body?.org, 'stats.senders');
    return this.store.registerSender(org, body ?? {}, user);
  }

  @Get('bundles')
  @ApiOperation({ summary: '各报送单位的报送情况', description: '未报 / 已报 / 退回 / 已采纳' })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'year', required: true })
  @ApiQuery({ name: 'template', required: false, description: '不填则列出全部年度报表' })
  async status(@CurrentUser() user: AuthUser, @Query() q: Record<string, string>) {
    const org = await this.org(user, q.org);
    return this.store.status(org, parseYear(q.year), q.template || undefined);
  }

  @Post('bundles')
  @ApiOperation({
    summary: '收取报送包',
    description: '校验签名、公钥登记、报送期间、明细摘要与表内逻辑，全部通过才保存；被退回的报送包重新报送时替换原报送包',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['org', 'year', 'bundle'],
      properties: {
        org: { type: 'string', format: 'uuid', description: '收取报送的机构' },
        year: { type: 'integer', description: '本次收取的年度' },
        template: { type: 'string', description: '本次收取的报表（可选）' },
        bundle: { type: 'object', description: '报送包（下级导出的 JSON 文件内容）' },
      },
    },
  })
  async import(@CurrentUser() user: AuthUser, @Body() body: any) {
    const org = await this.org(user, body?.org);
    const year = parseYear(body?.year);
    const template = typeof body?.template === 'string' && body.template ? body.template : undefined;
    return this.store.import(org, year, template, body?.bundle, user);
  }

  @Post('bundles/:id/return')
  @HttpCode(200)
  @ApiOperation({ summary: '退回报送包（须填写退回意见）' })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object', required: ['comment'], properties: { comment: { type: 'string' } } } })
  async returnBundle(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: any) {
    const b = await this.store.find(id);
    await this.org(user, b.receiver_org_id);
    return this.store.returnBundle(b, body?.comment, user);
  }

  @Post('bundles/:id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: '采纳报送包' })
  @ApiParam({ name: 'id' })
  async accept(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const b = await this.store.find(id);
    await this.org(user, b.receiver_org_id);
    return this.store.accept(b, user);
  }
}
