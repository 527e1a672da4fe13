import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { AppError } from '@app/common/errors/app-error';
import { NotificationsService } from '@app/persistence/notifications/notifications.service';
import type { NotificationList, NotificationRow } from '@app/persistence/notifications/notification.types';
import { NotificationWebhookService } from './notification-webhook.service';
import type { WebhookView } from './notification-webhook.types';
import { ListNotificationsQuery, PutWebhookDto } from './notifications.dto';
import { WorkCountsService } from './work-counts.service';
import type { WorkCounts } from './work-counts.types';

/** Everyone's own notifications and the navigation's counts of waiting work. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly counts: WorkCountsService,
  ) {}

  @Get('me/work-counts')
  @ApiOperation({ summary: '导航栏的待办数量：待审核、发布异常、待人工核实、待编入公报、未读通知（无此职责的为 null）' })
  workCounts(@CurrentUser() user: AuthUser): Promise<WorkCounts> {
    return this.counts.counts(user);
  }

  @Get('notifications')
  @ApiOperation({ summary: '本人的通知（最新在前）：退回、发布失败、待人工核实、期限提醒' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListNotificationsQuery): Promise<NotificationList> {
    return this.notifications.list(user.id, q);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  @ApiOperation({ summary: '本人的通知全部标为已读' })
  async readAll(@CurrentUser() user: AuthUser): Promise<{ read: number }> {
    return { read: await this.notifications.markAllRead(user.id) };
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: '一条通知标为已读（只能是本人的）' })
  async read(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<NotificationRow> {
    const n = await this.notifications.markRead(user.id, id);
    if (!n) throw AppError.notFound('通知', id);
    return n;
  }
}

/** An organisation's notification webhook (forwarding to an SMS or messaging gateway). */
@ApiTags('notifications')
@ApiBearerAuth()
@RequirePermission('notification.webhook')
@Controller('organisations/:id/notification-webhook')
export class NotificationWebhookController {
  constructor(private readonly webhooks: NotificationWebhookService) {}

  @Get()
  @ApiOperation({ summary: '机构的通知转发设置（本机构的或沿用上级的）与最近的推送记录（含失败原因）' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.view(user, id);
  }

  @Put()
  @ApiOperation({
    summary: '设置机构的通知转发地址与签名密钥（逐条推送 JSON，失败自动重试）；url 为 null 则取消',
    description:
      '通知转发：每条通知 POST 一次 JSON（id, kind, kindLabel, title, body, link, createdAt, organisation, recipient）。请求头 X-Gd-Timestamp 为签名时的 Unix 秒数，' +
      'X-Gd-Signature 为 "sha256=" + HMAC-SHA256(签名密钥, 时间戳 + "." + 原始请求体) 的十六进制；接收方返回 2xx 即为成功，其他应答或连接失败按指数退避重试（共8次），4xx（408、429 除外）不再重试。',
  })
  put(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: PutWebhookDto): Promise<WebhookView> {
    return this.webhooks.set(user, id, dto);
  }
}
