import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import type { Role } from '@app/domain/enums/domain-enums';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { GazetteIssueService } from '@app/channels/gazette/gazette-issue.service';
import type { GazetteWaiting, IssuePublished, IssueView } from '@app/channels/gazette/gazette-reads.types';
import type { GazetteSummary, IssueDetail, IssuePreview } from './gazette-rows.types';
import { GazettePreviewService } from './gazette-preview.service';
import { GazetteDeskService } from './gazette-desk.service';
import { ReorderIssueDto } from './gazette.dto';

const ANY: Role[] = rolesFor('org.view');
const OPERATE: Role[] = rolesFor('delivery.operate');

/**
 * The gazette desk (政府公报): issues of each gazette, what waits for the next one, compiling the next
 * issue, its order, and publishing it. Everyone in the gazette's organisation may read; operators and
 * admins compile and publish.
 */
@ApiTags('gazette')
@ApiBearerAuth()
@Controller('gazette')
export class GazetteController {
  constructor(
    private readonly desk: GazetteDeskService,
    private readonly issues: GazetteIssueService,
    private readonly scope: OrgScopeService,
    private readonly previews: GazettePreviewService,
  ) {}

  private async gazette(user: AuthUser, accountId: string, roles: Role[]) {
    const ctx = await this.issues.context(accountId);
    await this.scope.assertRole(user, ctx.account.organisationId, roles);
    return ctx;
  }

  private async issueOf(user: AuthUser, issueId: string, roles: Role[]) {
    const r = await this.issues.getIssue(issueId);
    await this.scope.assertRole(user, r.ctx.account.organisationId, roles);
    return r;
  }

  @Get()
  @ApiOperation({ summary: '可见的政府公报：名称、周期、刊登类别、栏目、最新一期、待刊登数量' })
  async list(@CurrentUser() user: AuthUser): Promise<GazetteSummary[]> {
    const orgIds = await this.scope.scopeOrgIds(user, ANY);
    if (!orgIds.length) return [];
    return this.desk.summaries(orgIds);
  }

  @Get(':accountId/issues')
  @ApiOperation({ summary: '某公报的全部期次（最新在前）' })
  async issuesOf(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<IssueView[]> {
    await this.gazette(user, accountId, ANY);
    return this.issues.listIssues(accountId);
  }

  @Get(':accountId/waiting')
  @ApiOperation({ summary: '等待编入下一期的信息，以及等待刊登的勘误' })
  async waiting(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<GazetteWaiting> {
    await this.gazette(user, accountId, ANY);
    return this.issues.waiting(accountId);
  }

  @Post(':accountId/issues/compile')
  @HttpCode(200)
  @RequirePermission('delivery.operate')
  @ApiOperation({ summary: '编排下一期：收集待刊登的信息和勘误，按栏目生成目录（出版前可重新编排）' })
  async compile(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<IssueView> {
    await this.gazette(user, accountId, OPERATE);
    const issue = await this.issues.compile(accountId, user.id);
    if (!issue) throw AppError.conflict('GAZETTE_NOTHING_TO_COMPILE', '没有等待刊登的信息或勘误，无需编排新的一期');
    return issue;
  }

  @Get('issues/:issueId')
  @ApiOperation({ summary: '一期的目录、状态和网址' })
  async issue(@CurrentUser() user: AuthUser, @Param('issueId') issueId: string): Promise<IssueDetail> {
    const r = await this.issueOf(user, issueId, ANY);
    return { ...r.issue, pendingErrata: r.pendingErrata };
  }

  @Get('issues/:issueId/preview')
  @ApiOperation({ summary: '一期的版面预览（出版前核对）：整期页面（刊头、目录、全部信息），出版时将不刊登的信息单独列出' })
  async preview(@CurrentUser() user: AuthUser, @Param('issueId') issueId: string): Promise<IssuePreview> {
    const r = await this.issueOf(user, issueId, ANY);
    return this.previews.preview(r.issue, r.ctx);
  }

  @Put('issues/:issueId/order')
  @RequirePermission('delivery.operate')
  @ApiOperation({ summary: '调整尚未出版一期的文章顺序和栏目' })
  async reorder(@CurrentUser() user: AuthUser, @Param('issueId') issueId: string, @Body() dto: ReorderIssueDto): Promise<IssueView> {
    await this.issueOf(user, issueId, OPERATE);
    return this.issues.reorder(issueId, dto.entries, user.id);
  }

  @Post('issues/:issueId/publish')
  @HttpCode(200)
  @RequirePermission('delivery.operate')
  @ApiOperation({ summary: '出版一期：本期全部信息在同一事务中发布并记入台账，随后生成期刊页面、Atom 订阅和开放数据；已出版的期次不可更改' })
  async publish(@CurrentUser() user: AuthUser, @Param('issueId') issueId: string): Promise<IssuePublished> {
    await this.issueOf(user, issueId, OPERATE);
    return this.issues.publish(issueId, user.id);
  }

  @Post(':accountId/site')
  @HttpCode(200)
  @RequirePermission('delivery.operate')
  @ApiOperation({ summary: '重新生成公报网站文件（往期页面只补写缺失的，内容与出版时一致）' })
  async rewriteSite(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string) {
    await this.gazette(user, accountId, OPERATE);
    return this.issues.writeSite(accountId);
  }
}
