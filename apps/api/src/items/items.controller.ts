import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { ApproveDto, CreateItemDto, FindingDecisionDto, ListItemsQuery, RejectDto, UpdateItemDto, WithdrawDto } from './item.dto';
import { ItemsService } from './items.service';
import { ItemReviewService } from './item-review.service';
import type { ApproveResult } from './item-reads.types';

@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    private readonly review: ItemReviewService,
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

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: '审核通过（本级）；最后一级通过即冻结版本并分发' })
  approve(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ApproveDto): Promise<ApproveResult> {
    return this.review.approve(user, id, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: RejectDto) {
    return this.review.reject(user, id, dto);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: WithdrawDto) {
    return this.items.withdraw(user, id, dto);
  }

  @Post(':id/findings/:findingId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: '审核人对个人信息/敏感词发现作出处理：删除（脱敏）或保留并说明理由' })
  decide(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('findingId') findingId: string, @Body() dto: FindingDecisionDto) {
    return this.items.decideFinding(user, id, findingId, dto);
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
