import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import type { AuditLogPage } from './audit-log-row.types';
import { AuditLogsQuery } from './audit-logs.dto';
import { AuditLogsService } from './audit-logs.service';

/** The audit log, read-only, for the admins of the organisations it concerns. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditLogsController {
  constructor(private readonly logs: AuditLogsService) {}

  @Get()
  @RequirePermission('audit.read')
  @ApiOperation({ summary: '审计日志（按操作人、操作类型、信息、机构、日期筛选；按时间倒序，用 before 翻页）' })
  list(@CurrentUser() user: AuthUser, @Query() q: AuditLogsQuery): Promise<AuditLogPage> {
    return this.logs.list(user, q);
  }
}
