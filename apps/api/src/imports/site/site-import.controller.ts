import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import type { SiteImportView } from '@app/imports/site/site-import.types';
import { StartSiteImportDto } from './site-import.dto';
import { SiteImportService } from './site-import.service';

@ApiTags('imports')
@ApiBearerAuth()
@RequirePermission('import.site')
@Controller('imports')
export class SiteImportController {
  constructor(private readonly imports: SiteImportService) {}

  @Post('site')
  @HttpCode(202)
  @ApiOperation({ summary: '导入旧网站：按网站地图、RSS 或栏目页抓取文章，生成已发布的信息并计入统计（可试导入）' })
  start(@CurrentUser() user: AuthUser, @Body() dto: StartSiteImportDto): Promise<{ id: string }> {
    return this.imports.start(user, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: '导入任务的进度（已完成、总数、失败）和逐页问题' })
  view(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<SiteImportView> {
    return this.imports.view(user, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: '暂停导入（已完成的页面保留，继续时跳过）' })
  pause(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<SiteImportView> {
    return this.imports.pause(user, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: '继续已暂停或已失败的导入' })
  resume(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<SiteImportView> {
    return this.imports.resume(user, id);
  }
}
