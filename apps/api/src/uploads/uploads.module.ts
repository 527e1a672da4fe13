import { Module } from '@nestjs/common';
import { UploadInterceptor } from './upload.interceptor';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

/** POST /api/v1/uploads: images and attachments for items, stored where the portal serves them. */
@Module({
  controllers: [UploadsController],
  providers: [UploadsService, UploadInterceptor],
})
export class UploadsModule {}
