import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { AppError } from '@app/common/errors/app-error';
import { contentDisposition } from '@app/stats/report-export.service';
import { selfCheckXlsx } from './self-check-xlsx';
import { SelfCheckService } from './self-check.service';
import type { SelfCheckDoc } from './self-check.types';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function parseSubtree(v: unknown): boolean {
  if (v === undefined || v === '') return true;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw AppError.validation([{ field: 'subtree', reason: '必须是 true 或 false' }]);
}

/** GET stats/self-check: the monthly 自查 of an organisation and its subtree, as JSON or as the XLSX sent upward. */
@ApiTags('stats')
@ApiBearerAuth()
@RequirePermission('stats.read')
@Controller('stats/self-check')
export class SelfCheckController {
  constructor(private readonly selfCheck: SelfCheckService) {}

  @Get()
  @ApiOperation({
    summary: '月度自查表',
    description:
      '按《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）自查：网站各栏目更新、空白栏目、政务新媒体两周更新、政策解读、发布日期核查，以及本月各单位、各渠道发布情况；format=xlsx 为可上报的表格',
  })
  @ApiQuery({ name: 'org', required: true })
  @ApiQuery({ name: 'subtree', required: false, description: '是否包含下级单位，默认 true' })
  @ApiQuery({ name: 'month', required: true, description: '月份 YYYY-MM（或与 year 一起给出 1–12）' })
  @ApiQuery({ name: 'year', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx'] })
  async get(
    @CurrentUser() user: AuthUser,
    @Query() q: { org?: string; subtree?: string; month?: string; year?: string; format?: string },
  ): Promise<SelfCheckDoc | StreamableFile> {
    const format = q.format === undefined || q.format === '' ? 'json' : q.format;
    if (format !== 'json' && format !== 'xlsx') throw AppError.validation([{ field: 'format', reason: '必须是 json、xlsx 之一' }]);
    const doc = await this.selfCheck.build(user, { org: q.org, subtree: parseSubtree(q.subtree), month: q.month, year: q.year });
    if (format === 'json') return doc;
    return new StreamableFile(await selfCheckXlsx(doc), {
      type: XLSX_TYPE,
      disposition: contentDisposition(`自查表-${doc.organisation.code}-${doc.month}.xlsx`),
    });
  }
}
