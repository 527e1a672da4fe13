import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Filters of the audit-log viewer; every one optional, all combined with AND. */
export class AuditLogsQuery {
  @ApiPropertyOptional({ description: '操作人（用户 id）' }) @IsOptional() @IsUUID() actor?: string;
  @ApiPropertyOptional({ description: '操作类型，逗号分隔，如 item.approve,item.reject' })
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*(,[a-z_]+(\.[a-z_]+)*){0,49}$/, { message: '操作类型格式不正确' })
  @MaxLength(2000)
  action?: string;
  @ApiPropertyOptional({ description: '信息：信息 id，或标题、索引号、文号中的文字' }) @IsOptional() @IsString() @MaxLength(200) item?: string;
  @ApiPropertyOptional({ description: '机构（含下级机构）' }) @IsOptional() @IsUUID() organisation?: string;
  @ApiPropertyOptional({ description: '起始日期（北京时间，含）YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: '日期格式应为 YYYY-MM-DD' })
  from?: string;
  @ApiPropertyOptional({ description: '截止日期（北京时间，含）YYYY-MM-DD' }) @IsOptional() @Matches(DATE, { message: '日期格式应为 YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ description: '翻页：上一页最后一条的 id（nextCursor）' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: '翻页位置不正确' })
  before?: string;
  @ApiPropertyOptional({ description: '翻页：上一页结果的 nextCursor（与 before 相同，各列表统一的名称）' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: '翻页位置不正确' })
  cursor?: string;
  @ApiPropertyOptional({ description: '每页条数，默认 50' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}
