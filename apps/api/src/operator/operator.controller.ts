import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { rolesFor } from '@app/common/auth/permissions';
import { DeliveryActions } from '@app/channels/engine/delivery-actions.service';
import type { AccountRestored } from '@app/channels/engine/delivery-actions.types';
import {
  AccountsQuery,
  CancelDeliveryDto,
  CancelScheduleDto,
  ListOperatorDeliveriesQuery,
  MarkPublishedDto,
  MarkWithdrawnDto,
  MatrixQuery,
  ScheduleDto,
} from './operator.dto';
import { OperatorService } from './operator.service';

/** The channel operator's console API (渠道运维): watch deliveries, act on them, fix accounts. */
@ApiTags('operator')
@ApiBearerAuth()
@RequirePermission('delivery.operate')
@Controller()
export class OperatorController {
  constructor(
    private readonly ops: OperatorService,
    private readonly actions: DeliveryActions,
  ) {}

  @Get('operator/deliveries')
  @ApiOperation({ summary: '发送任务列表（按状态、渠道、账号、机构、时间筛选）' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListOperatorDeliveriesQuery) {
    return this.ops.listDeliveries(user, q);
  }

  @Get('operator/deliveries/:id')
  @ApiOperation({ summary: '发送任务详情，含每次尝试与状态变化的记录' })
  detail(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.ops.detail(user, id);
  }

  @Get('operator/deliveries/:id/events')
  @ApiOperation({ summary: '发送任务的事件记录' })
  events(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.ops.events(user, id);
  }

  @Get('operator/matrix')
  @ApiOperation({ summary: '信息 × 渠道 发布矩阵' })
  matrix(@CurrentUser() user: AuthUser, @Query() q: MatrixQuery) {
    return this.ops.matrix(user, q);
  }

  @Get('operator/summary')
  summary(@CurrentUser() user: AuthUser) {
    return this.ops.summary(user);
  }

  @Get('operator/accounts')
  @ApiOperation({ summary: '渠道账号及其待发送/失败数；status=needs_attention 为需要处理的账号' })
  accounts(@CurrentUser() user: AuthUser, @Query() q: AccountsQuery) {
    return this.ops.accounts(user, q);
  }

  @Post('operator/accounts/:id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: '账号已修复：恢复发送（其等待中的发送任务立即继续）' })
  restore(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<AccountRestored> {
    return this.actions.restoreAccount(this.ops.actor(user), id);
  }

  @Get('operator/withdrawals/unresolved')
  @ApiOperation({ summary: '信息已撤回、但渠道未能撤下的发布（需人工处理）' })
  unresolved(@CurrentUser() user: AuthUser) {
    return this.ops.unresolvedWithdrawals(user);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: '重试（失败/已取消的重新开始；等待中的立即执行）' })
  retry(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.actions.retry(this.ops.actor(user), id);
  }

  @Post('deliveries/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: '取消尚未发出的发送任务' })
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: CancelDeliveryDto) {
    return this.actions.cancel(this.ops.actor(user), id, dto.reason);
  }

  @Post('deliveries/:id/mark-published')
  @HttpCode(200)
  @ApiOperation({ summary: '标记为已发布（人工发布后登记外部链接；计入发布台账并留痕）' })
  markPublished(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: MarkPublishedDto) {
    return this.actions.markPublished(this.ops.actor(user), id, dto);
  }

  @Post('deliveries/:id/mark-withdrawn')
  @HttpCode(200)
  @ApiOperation({ summary: '标记为已撤回（在渠道后台人工删除后登记）' })
  markWithdrawn(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: MarkWithdrawnDto) {
    return this.actions.markWithdrawn(this.ops.actor(user), id, dto.note);
  }
}

/** Scheduling an approved item (定时发布): move its time, or call it off before the time. */
@ApiTags('items')
@ApiBearerAuth()
@RequirePermission('delivery.schedule')
@Controller('items')
export class ScheduleController {
  constructor(
    private readonly ops: OperatorService,
    private readonly actions: DeliveryActions,
  ) {}

  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOperation({ summary: '设置/调整发布时间（已审核未发布的信息，其发送任务随之调整）' })
  schedule(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ScheduleDto) {
    return this.actions.schedule(this.ops.actor(user, rolesFor('delivery.schedule')), id, dto.publishAt ? new Date(dto.publishAt) : null);
  }

  @Post(':id/schedule/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: '取消定时发布（尚未发出的发送任务取消；若均未发出，信息退回草稿）' })
  cancel(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: CancelScheduleDto) {
    return this.actions.cancelSchedule(this.ops.actor(user, rolesFor('delivery.schedule')), id, dto.reason);
  }
}
