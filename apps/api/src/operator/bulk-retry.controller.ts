import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { BulkRetryService } from './bulk-retry.service';
import type { BulkRetryReply } from './bulk-retry.types';

export class BulkRetryDto {
  @ApiProperty({ type: [String], description: '要重试的发送任务（1 至 200 个）' })
  @IsArray({ message: '$property 须为发送任务列表' })
  @ArrayMinSize(1, { message: '$property 请至少选择一个发送任务' })
  @ArrayMaxSize(200, { message: '$property 一次最多重试200个发送任务' })
  @IsUUID('all', { each: true, message: '$property 含有无效的发送任务编号' })
  ids!: string[];
}

@ApiTags('deliveries')
@ApiBearerAuth()
@RequirePermission('delivery.operate')
@Controller('deliveries/bulk-retry')
export class BulkRetryController {
  constructor(private readonly bulk: BulkRetryService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: '批量重试：逐个重试所选发送任务（各自留痕），不能重试的逐个列出原因' })
  retry(@CurrentUser() user: AuthUser, @Body() dto: BulkRetryDto): Promise<BulkRetryReply> {
    return this.bulk.retry(user, dto.ids);
  }
}
