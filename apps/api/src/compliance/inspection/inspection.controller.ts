import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { InspectionApiService } from './inspection-api.service';
import { InspectionQuery, InspectionRemindDto } from './inspection.dto';

/** 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号), computed live, with the forecast breach dates and the reminders. */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('compliance/inspection')
export class InspectionController {
  constructor(private readonly inspection: InspectionApiService) {}

  @Get()
  @RequirePermission('inspection.read')
  @ApiOperation({ summary: '检查指标（国办秘函〔2019〕19号）：栏目与政务新媒体更新、空白栏目、政策解读、发布日期，单项否决' })
  report(@CurrentUser() user: AuthUser, @Query() q: InspectionQuery) {
    return this.inspection.inspection(user, q);
  }

  @Get('forecast')
  @RequirePermission('inspection.read')
  @ApiOperation({ summary: '超期预测：各栏目、各政务新媒体账号按已安排的定时发布将于哪一天超期' })
  forecast(@CurrentUser() user: AuthUser, @Query() q: InspectionQuery) {
    return this.inspection.forecast(user, q);
  }

  @Post('remind')
  @HttpCode(200)
  @RequirePermission('inspection.remind')
  @ApiOperation({ summary: '立即发送到期的检查提醒（与后台每小时的检查相同；每一级提醒只发一次）' })
  remind(@CurrentUser() user: AuthUser, @Body() dto: InspectionRemindDto) {
    return this.inspection.remind(user, dto.today);
  }
}
