import { Module } from '@nestjs/common';
import { ItemAutosavesController } from './item-autosaves.controller';
import { ItemAutosavesService } from './item-autosaves.service';

/** The editor's autosaves (registered in feature-modules.ts). Needs the global DatabaseModule. */
@Module({
  controllers: [ItemAutosavesController],
  providers: [ItemAutosavesService],
})
export class ItemAutosavesModule {}
