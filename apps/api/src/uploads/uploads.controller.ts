import { Body, Controller, Get, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { UploadInterceptor } from './upload.interceptor';
import { IncomingFile, UploadsService } from './uploads.service';

@ApiTags('uploads')
@ApiBearerAuth()
@Controller('uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @RequirePermission('upload.create')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: '上传正文图片或附件（字段 file；purpose=image|attachment，默认 image）；返回仅登录用户可见的地址，发布到网站时才公开' })
  @UseInterceptors(UploadInterceptor)
  upload(@CurrentUser() user: AuthUser, @Req() req: { file?: IncomingFile }, @Body() body: Record<string, string> | undefined) {
    return this.uploads.store(user, req.file, body?.purpose);
  }

  /** The console's <img> reaches this with its session cookie (Path=/api, SameSite=Strict); API clients with the bearer token. */
  @Get(':year/:month/:file')
  @ApiOperation({ summary: '读取未公开的上传文件（上传人、对上传人所在机构有角色的用户、可见使用该文件的信息的用户）' })
  async read(
    @CurrentUser() user: AuthUser,
    @Param('year') year: string,
    @Param('month') month: string,
    @Param('file') file: string,
    @Res() res: Response,
  ): Promise<void> {
    const u = await this.uploads.read(user, `${year}/${month}/${file}`);
    res.setHeader('Content-Type', u.mime);
    res.setHeader('Content-Length', String(u.data.length));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=300');
    if (u.kind !== 'image') {
      const ascii = u.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(u.name)}`);
    }
    res.status(200).end(u.data);
  }
}
