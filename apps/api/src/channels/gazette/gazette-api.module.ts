import { Module } from '@nestjs/common';
import { GazetteModule } from '@app/channels/gazette/gazette.module';
import { GazetteController } from './gazette.controller';
import { GazetteDeskService } from './gazette-desk.service';
import { GazettePreviewService } from './gazette-preview.service';

/** The gazette desk API (/api/v1/gazette). */
@Module({ imports: [GazetteModule], controllers: [GazetteController], providers: [GazetteDeskService, GazettePreviewService] })
export class GazetteApiModule {}
