import { Module } from '@nestjs/common';
import { ItemVersionsController } from './item-versions.controller';
import { ItemVersionsService } from './item-versions.service';

/** Read access to frozen item versions (GET /items/:id/versions/:versionNo). */
@Module({ controllers: [ItemVersionsController], providers: [ItemVersionsService] })
export class ItemVersionsModule {}
