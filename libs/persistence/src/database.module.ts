import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { dataSourceOptions } from './data-source';
import type { DbSchema } from './db-schema';
import { NotificationsService } from './notifications/notifications.service';

/**
 * TypeORM on the configured Postgres with the schema the app composed (no synchronize; migrations
 * run by the process bootstrap), plus the domain's audit writer and organisation scoping, and the
 * notifications writer (notifications/) every feature reports to.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: DbSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (cfg: AppConfig) => {
            if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded default)');
            return dataSourceOptions(cfg.DATABASE_URL, schema, { poolMax: cfg.DB_POOL_MAX });
          },
        }),
      ],
      providers: [AuditService, OrgScopeService, NotificationsService],
      exports: [AuditService, OrgScopeService, NotificationsService],
    };
  }
}
