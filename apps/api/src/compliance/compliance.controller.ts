import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { ComplianceEngine } from './compliance-engine.service';
import { CheckTextDto, DeadlineScanDto, DeadlinesQuery, LexiconEntriesDto, PutLexiconDto } from './compliance.dto';
import { DeadlineAlertsService } from '@app/compliance/deadlines/deadline-alerts.service';
import { DeadlinesService } from './deadlines/deadlines.service';
import { LexiconsService } from './lexicons/lexicons.service';

/** 保密审查 lexicons (admin), an ad-hoc text check (editor), and the 政务公开 deadline report (operators, reviewers). */
@ApiTags('compliance')
@ApiBearerAuth()
@Controller('compliance')
export class ComplianceController {
  constructor(
    private readonly engine: ComplianceEngine,
    private readonly lexicons: LexiconsService,
    private readonly deadlines: DeadlinesService,
    private readonly alerts: DeadlineAlertsService,
  ) {}

  @Get('deadlines')
  @RequirePermission('deadlines.read')
  @ApiOperation({ summary: '到期与更新提醒：政策解读（3个工作日）、主动公开（20个工作日）、新媒体账号与网站栏目更新（按机构）' })
  deadlineReport(@CurrentUser() user: AuthUser, @Query() q: DeadlinesQuery) {
    return this.deadlines.report(user, q);
  }

  @Post('deadlines/scan')
  @HttpCode(200)
  @RequirePermission('deadlines.scan')
  @ApiOperation({ summary: '立即执行一次到期检查（与后台每小时的检查相同），记录各项提醒的首次发现与解除时间' })
  scan(@CurrentUser() user: AuthUser, @Body() dto: DeadlineScanDto) {
    return this.alerts.run({ today: dto.today, actorId: user.id });
  }

  @Post('check')
  @HttpCode(200)
  @RequirePermission('compliance.check')
  @ApiOperation({ summary: '即时检查一段文字（编辑时提示；不保存）：密级标志、个人信息、敏感词、错别字' })
  async check(@Body() dto: CheckTextDto) {
    const checker = await this.engine.current();
    return { findings: checker.check({ fields: dto.fields }) };
  }

  @Get('lexicons')
  @RequirePermission('lexicon.read')
  @ApiOperation({ summary: '词库列表（配置文件中的词库及管理员的修改）' })
  listLexicons() {
    return this.lexicons.list();
  }

  @Get('lexicons/:lexicon')
  @RequirePermission('lexicon.read')
  getLexicon(@Param('lexicon') id: string) {
    return this.lexicons.get(id);
  }

  @Put('lexicons/:lexicon')
  @RequirePermission('lexicon.manage')
  @ApiOperation({ summary: '替换（或新增）一个词库；disabled=true 停用' })
  async putLexicon(@CurrentUser() user: AuthUser, @Param('lexicon') id: string, @Body() dto: PutLexiconDto) {
    await this.assertTopAdmin(user);
    return this.lexicons.put(user, id, dto);
  }

  @Patch('lexicons/:lexicon/entries')
  @RequirePermission('lexicon.manage')
  @ApiOperation({ summary: '增改、删除词条' })
  async editEntries(@CurrentUser() user: AuthUser, @Param('lexicon') id: string, @Body() dto: LexiconEntriesDto) {
    await this.assertTopAdmin(user);
    return this.lexicons.editEntries(user, id, dto);
  }

  @Delete('lexicons/:lexicon')
  @RequirePermission('lexicon.manage')
  @ApiOperation({ summary: '撤销管理员的修改：恢复为配置文件中的词库（管理员新增的词库则删除）' })
  async revertLexicon(@CurrentUser() user: AuthUser, @Param('lexicon') id: string) {
    await this.assertTopAdmin(user);
    return this.lexicons.revert(user, id);
  }

  private assertTopAdmin(user: AuthUser) {
    return this.lexicons.assertTopAdmin(user);
  }
}
