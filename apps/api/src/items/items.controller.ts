import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { ApproveDto, CreateItemDto, FindingDecisionDto, ListItemsQuery, RecallDto, RejectDto, UpdateItemDto, WithdrawDto } from './item.dto';
import { ItemsService } from './items.service';
import { ItemReviewService } from './item-review.service';
import { ItemFindingsService } from './item-findings.service';
import { ItemWithdrawalService } from './item-withdrawal.service';
import { ReviewRejectionService } from '@app/review/review-rejection.service';
import { ReviewRecallService } from '@app/review/review-recall.service';
import type { ApproveResult } from './item-reads.types';

@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    private readonly review: ItemReviewService,
    private readonly rejection: ReviewRejectionService,
    private readonly withdrawal: ItemWithdrawalService,
    private readonly findings: ItemFindingsService,
    private readonly recalls: ReviewRecallService,
  ) {}

  @Post()
  @ApiOperation({ summary: '新建信息（草稿）' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateItemDto) {
    return this.items.create(user, dto);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListItemsQuery) {
    return this.items.list(user, q);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.items.detail(user, id);
  }

  @Patch(':id')
  update(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: UpdateItemDto) {
    return this.items.update(user, id, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({ summary: '提交审核' })
  submit(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.review.submit(user, id);
  }

  @Post(':id/recall')
  @HttpCode(200)
  @ApiOperation({ summary: '撤回提交：审核开始前（本轮尚无任何一级审核）由信息员撤回为草稿' })
  recall(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: RecallDto) {
    return this.recalls.recall(user, id, dto.reason);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: '审核通过（本级）；最后一级通过即冻结版本并分发' })
  approve(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ApproveDto): Promise<ApproveResult> {
    return this.review.approve(user, id, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: '退回（任一级均可退回）：信息回到撰写人，重新提交后从第一级开始' })
  reject(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: RejectDto) {
    return this.rejection.reject(user, id, dto.reason);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: WithdrawDto) {
    return this.withdrawal.withdraw(user, id, dto);
  }

  @Post(':id/findings/:findingId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: '审核人对个人信息/敏感词发现作出处理：删除（脱敏）或保留并说明理由' })
  decide(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('findingId') findingId: string, @Body() dto: FindingDecisionDto) {
    return this.findings.decideFinding(user, id, findingId, dto);
  }

  @Get(':id/previews')
  @ApiOperation({ summary: '各渠道预览（与实际发布使用同一渲染器）；accounts=逗号分隔的账号，默认为目标渠道' })
  previews(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query('accounts') accounts?: string) {
    return this.items.previews(user, id, accounts ? accounts.split(',').filter(Boolean) : undefined);
  }

  @Get(':id/deliveries')
  deliveries(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.items.deliveries(user, id);
  }

  @Get(':id/audit')
  audit(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.items.auditTrail(user, id);
  }
}
