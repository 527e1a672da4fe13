import { Module } from '@nestjs/common';
import { ItemVersionsController } from './item-versions.controller';

/** Read access to frozen item versions (GET /items/:id/versions/:versionNo). */
@Module({ controllers: [ItemVersionsController] })
export class ItemVersionsModule {}
