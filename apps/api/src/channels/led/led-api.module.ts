import { Module } from '@nestjs/common';
import { LedModule } from '@app/channels/led/led.module';
import { LedController } from './led.controller';

/** The LED screens API (/api/v1/led/screens), including the pull-mode playlist. */
@Module({ imports: [LedModule], controllers: [LedController] })
export class LedApiModule {}
