import { Body, Controller, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { Roles } from '@app/common/auth/roles.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { UploadInterceptor } from './upload.interceptor';
import { IncomingFile, UploadsService } from './uploads.service';

@ApiTags('uploads')
@ApiBearerAuth()
@Controller('uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @Roles('editor')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: '上传正文图片或附件（字段 file；purpose=image|attachment，默认 image）；返回公开地址' })
  @UseInterceptors(UploadInterceptor)
  upload(@CurrentUser() user: AuthUser, @Req() req: { file?: IncomingFile }, @Body() body: Record<string, string> | undefined) {
    return this.uploads.store(user, req.file, body?.purpose);
  }
}
