import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Response } from 'express';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { PeopleImportService } from './people-import.service';
import type { PeopleImportResult, SetPasswordLink } from './people-import.types';
import { SetPasswordLinkService } from './set-password-link.service';
import { buildPeopleTemplate } from './people-template';
import { PeopleUploadInterceptor } from './people-upload.interceptor';

export class IssueLinkDto {
  @ApiProperty({ description: '用户名' }) @IsString() @MinLength(1) @MaxLength(64) username: string;
}

const TEMPLATE_NAME = '机构和用户导入模板.xlsx';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports/people')
export class PeopleImportController {
  constructor(
    private readonly imports: PeopleImportService,
    private readonly links: SetPasswordLinkService,
  ) {}

  @Get('template')
  @RequirePermission('people.import')
  @ApiOperation({ summary: '下载机构和用户导入模板（XLSX：机构、用户、说明三个工作表）' })
  async template(@Res() res: Response): Promise<void> {
    const data = await buildPeopleTemplate();
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="people-import.xlsx"; filename*=UTF-8''${encodeURIComponent(TEMPLATE_NAME)}`);
    res.status(200).end(data);
  }

  @Post('links')
  @HttpCode(200)
  @RequirePermission('people.import')
  @ApiOperation({ summary: '为一个用户重新生成一次性设置密码链接（原有未使用的链接随即失效；须在您管理的机构范围内）' })
  link(@CurrentUser() user: AuthUser, @Body() dto: IssueLinkDto): Promise<SetPasswordLink> {
    return this.links.issue(user, dto.username);
  }

  @Post()
  @HttpCode(200)
  @RequirePermission('people.import')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      '导入机构和用户（字段 file 为 XLSX；dryRun=true 只检查不写入）。任何一处有问题都不写入，400 的 details 列出每一处（field 如 用户!C7）；导入成功返回每个新用户的一次性设置密码链接',
  })
  @UseInterceptors(PeopleUploadInterceptor)
  run(
    @CurrentUser() user: AuthUser,
    @Req() req: { file?: { buffer: Buffer; originalname?: string } },
    @Body() body: Record<string, string> | undefined,
    @Query('dryRun') dryRunQuery?: string,
  ): Promise<PeopleImportResult> {
    const dryRun = [body?.dryRun, dryRunQuery].some((v) => v === 'true' || v === '1');
    return this.imports.run(user, req.file?.buffer, req.file?.originalname ?? '', dryRun);
  }
}
