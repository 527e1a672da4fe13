import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { dataSourceOptions } from './data-source';
import { AuditService } from './services/audit.service';
import { OrgScopeService } from './services/org-scope.service';

/** TypeORM on the configured Postgres (no synchronize; migrations run by the process bootstrap). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (cfg: AppConfig) => {
        if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded default)');
        return dataSourceOptions(cfg.DATABASE_URL);
      },
    }),
  ],
  providers: [AuditService, OrgScopeService],
  exports: [AuditService, OrgScopeService],
})
export class DatabaseModule {}
