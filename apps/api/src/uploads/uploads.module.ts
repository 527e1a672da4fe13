import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { UploadInterceptor } from './upload.interceptor';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

/**
 * /api/v1/uploads: images and attachments for items, kept in the private store (libs/channels
 * portal/upload-store) until the portal publishes a version that uses them; read back by signed-in
 * users who may see them (bearer token, or the console's session cookie for an <img>).
 */
@Module({
  imports: [ChannelsModule],
  controllers: [UploadsController],
  providers: [UploadsService, UploadInterceptor],
})
export class UploadsModule {}
