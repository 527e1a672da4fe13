import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { DELIVERY_STATES } from '@app/domain/enums/domain-enums';
import { MAX_PAGE } from '../http/paging';

const toBool = ({ value }: { value: unknown }) => (value === undefined ? undefined : value === true || value === 'true' || value === '1');

export class ListOperatorDeliveriesQuery {
  @ApiPropertyOptional({ description: '状态，逗号分隔，如 failed,unconfirmed' })
  @IsOptional()
  @Matches(new RegExp(`^(${DELIVERY_STATES.join('|')})(,(${DELIVERY_STATES.join('|')}))*$`), { message: 'must be delivery states separated by commas' })
  state?: string;
  @ApiPropertyOptional({ description: '渠道类型' }) @IsOptional() @IsString() @MaxLength(50) channel?: string;
  @ApiPropertyOptional({ description: '渠道账号' }) @IsOptional() @IsUUID() account?: string;
  @ApiPropertyOptional({ description: '机构（默认含下级机构）' }) @IsOptional() @IsUUID() organisation?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() subtree?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsUUID() item?: string;
  @ApiPropertyOptional({ description: '时间下限（含）' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: '时间上限（不含）' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ enum: ['created', 'updated', 'published', 'due'], description: '时间条件作用的字段，默认 updated' })
  @IsOptional()
  @IsIn(['created', 'updated', 'published', 'due'])
  timeField?: 'created' | 'updated' | 'published' | 'due';
  @ApiPropertyOptional({ description: '标题关键字' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ description: '只看需要处理的：失败、结果待核实、撤回未完成' }) @IsOptional() @Transform(toBool) @IsBoolean() attention?: boolean;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
  @ApiPropertyOptional({ description: '翻页位置：上一页结果的 nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: '翻页位置无效，请回到第一页' })
  cursor?: string;
}

export class MatrixQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisation?: string;
  @ApiPropertyOptional({ description: '信息审核通过时间下限' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ description: '只含有该状态发送任务的信息' }) @IsOptional() @IsIn(DELIVERY_STATES as unknown as string[]) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) channel?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
  @ApiPropertyOptional({ description: '翻页位置：上一页结果的 nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: '翻页位置无效，请回到第一页' })
  cursor?: string;
}

export class AccountsQuery {
  @ApiPropertyOptional({ enum: ['active', 'needs_attention'] }) @IsOptional() @IsIn(['active', 'needs_attention']) status?: string;
}

export class CancelDeliveryDto {
  @ApiProperty({ description: '取消原因' }) @IsString() @MinLength(1) @MaxLength(500) reason: string;
}

export class MarkPublishedDto {
  @ApiProperty({ description: '人工发布后的外部链接' })
  @IsString()
  @MaxLength(2000)
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  externalUrl: string;
  @ApiPropertyOptional({ description: '外部系统中的编号（如有）' }) @IsOptional() @IsString() @MaxLength(200) externalId?: string;
  @ApiPropertyOptional({ description: '说明' }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class MarkWithdrawnDto {
  @ApiProperty({ description: '人工撤回的说明' }) @IsString() @MinLength(1) @MaxLength(1000) note: string;
}

export class ScheduleDto {
  @ApiProperty({ nullable: true, description: '发布时间（ISO 8601）；null 或已过去的时间表示立即发布' })
  @ValidateIf((o) => o.publishAt !== null)
  @IsISO8601()
  publishAt: string | null;
}

export class CancelScheduleDto {
  @ApiProperty({ description: '取消定时发布的原因' }) @IsString() @MinLength(1) @MaxLength(500) reason: string;
}

export class DeliveryStreamQuery {
  @IsOptional() @IsString() access_token?: string;
  @ApiPropertyOptional({ description: '只看某条信息' }) @IsOptional() @IsUUID() item?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() organisation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) channel?: string;
}

export class MetricsQuery {
  @IsOptional() @IsString() access_token?: string;
}
