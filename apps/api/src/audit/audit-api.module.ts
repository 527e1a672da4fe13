import { Module } from '@nestjs/common';
import { AuditLogsController } from './audit-logs.controller';
import { AuditLogsService } from './audit-logs.service';

/** GET audit-logs (registered in apps/api/src/feature-modules.ts). Writing stays with AuditService (libs/domain). */
@Module({
  controllers: [AuditLogsController],
  providers: [AuditLogsService],
})
export class AuditApiModule {}
