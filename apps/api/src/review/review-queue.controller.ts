import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { ReviewQueueService } from './review-queue.service';
import type { ReviewQueue } from './review-queue.types';
import { ReviewQueueQuery } from './review-queue.dto';

@ApiTags('review')
@ApiBearerAuth()
@RequirePermission('item.review')
@Controller('review/queue')
export class ReviewQueueController {
  constructor(private readonly queue: ReviewQueueService) {}

  @Get()
  @ApiOperation({ summary: '审核队列：等待本人所在级别审核的信息（按提交时间，最早的在前），含提交时间与提交人；每页 100 条，用 cursor 翻页' })
  get(@CurrentUser() user: AuthUser, @Query() q: ReviewQueueQuery): Promise<ReviewQueue> {
    return this.queue.queue(user, q);
  }
}
