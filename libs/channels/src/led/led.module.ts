import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels.module';
import { LedAdapter } from './led.adapter';
import { LedScreenService } from './led-screen.service';

/** The LED screen service for the api and the worker: the adapter's own instance, one per process. */
@Module({
  imports: [ChannelsModule],
  providers: [{ provide: LedScreenService, useFactory: (a: LedAdapter) => a.screens, inject: [LedAdapter] }],
  exports: [LedScreenService],
})
export class LedModule {}
