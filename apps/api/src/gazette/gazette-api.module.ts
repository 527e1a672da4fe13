import { Module } from '@nestjs/common';
import { GazetteModule } from '@app/channels/gazette/gazette.module';
import { GazetteController } from './gazette.controller';

/** The gazette desk API (/api/v1/gazette). */
@Module({ imports: [GazetteModule], controllers: [GazetteController] })
export class GazetteApiModule {}
