import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DISCLOSURE_ATTRS, ITEM_KINDS, VALIDITIES } from '@app/domain/enums/domain-enums';
import { DtoChecks } from '../http/dto-checks';
import { MAX_PAGE } from '../http/paging';
import { channelOverrideProblems } from './channel-overrides-bounds';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Something visible: not only spaces (ASCII, full-width U+3000, NBSP), line breaks or zero-width characters. */
const VISIBLE = /[^\s\u200b-\u200d\u2060\ufeff]/;
const overrideBounds = (dto: Record<string, unknown>) => channelOverrideProblems(dto.channelOverrides);

export class AttachmentDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty() @IsString() @MaxLength(2000) @Matches(/^(https?:\/\/|\/)/, { message: 'url must be http(s) or a site path' }) url: string;
  @ApiProperty() @IsString() @MaxLength(100) mime: string;
  @ApiProperty() @IsInt() @Min(0) size: number;
}

@DtoChecks(overrideBounds)
export class CreateItemDto {
  @ApiProperty({ description: '所属机构' }) @IsUUID() organisationId: string;
  @ApiProperty({ description: '标题', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(VISIBLE, { message: 'must not be blank' })
  title: string;
  @ApiPropertyOptional({ description: '正文 HTML（保存前清洗）' }) @IsOptional() @IsString() @MaxLength(2_000_000) bodyHtml?: string;
  @ApiPropertyOptional({ description: '摘要' }) @IsOptional() @IsString() @MaxLength(500) summary?: string;
  @ApiPropertyOptional({ description: '文号' }) @IsOptional() @IsString() @MaxLength(100) docNo?: string;
  @ApiPropertyOptional({ description: '发布机构（默认为所属机构名称）' }) @IsOptional() @IsString() @MaxLength(100) issuingBody?: string;
  @ApiPropertyOptional({ description: '成文日期 YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  writtenDate?: string;
  @ApiPropertyOptional({ description: '主题分类' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(50) category?: string;
  @ApiPropertyOptional({ enum: DISCLOSURE_ATTRS }) @IsOptional() @IsIn(DISCLOSURE_ATTRS as unknown as string[]) disclosureAttr?: string;
  @ApiPropertyOptional({ enum: VALIDITIES }) @IsOptional() @IsIn(VALIDITIES as unknown as string[]) validity?: string;
  @ApiPropertyOptional({ description: '废止日期 YYYY-MM-DD' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  repealedDate?: string;
  @ApiProperty({ enum: ITEM_KINDS }) @IsIn(ITEM_KINDS as unknown as string[]) kind: string;
  @ApiPropertyOptional({ description: '政策解读对应的政策文件' }) @IsOptional() @IsUUID() policyItemId?: string;
  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
  @ApiPropertyOptional({ description: '目标渠道账号' }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true }) targetAccountIds?: string[];
  @ApiPropertyOptional({ description: '各渠道覆盖项，按渠道类型（≤16 个渠道；每个渠道 ≤64 个值、≤3 层、≤64KB，单个文字 ≤20000 字）' })
  @IsOptional()
  @IsObject()
  channelOverrides?: Record<string, Record<string, unknown>>;
  @ApiPropertyOptional({ description: '定时发布时间（ISO 8601）' }) @IsOptional() @IsISO8601({ strict: true }) publishAt?: string | null;
}

@DtoChecks(overrideBounds)
export class UpdateItemDto extends PartialType(OmitType(CreateItemDto, ['organisationId'] as const)) {
  @ApiPropertyOptional({ description: '发布日期 YYYY-MM-DD：只能在首次确认发布之后修改，且不得早于首次确认发布日期' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  publishDate?: string;
}

export class ApproveDto {
  @ApiPropertyOptional({ description: '保密审查结论' }) @IsOptional() @IsString() @MaxLength(500) secrecyConclusion?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) comment?: string;
}

export class RejectDto {
  @ApiProperty({ description: '退回原因' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class RecallDto {
  @ApiPropertyOptional({ description: '撤回提交的原因' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class WithdrawDto {
  @ApiProperty({ description: '撤回原因' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class FindingDecisionDto {
  @ApiProperty({ enum: ['keep', 'redact'] }) @IsIn(['keep', 'redact']) decision: 'keep' | 'redact';
  @ApiPropertyOptional({ description: '保留理由（keep 时必填）' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class ListItemsQuery {
  @IsOptional() @IsIn(['draft', 'submitted', 'approved', 'rejected', 'published', 'withdrawn', 'not_published']) status?: string;
  @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ description: '标题、索引号或文号包含' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ description: '正文包含（不含标签）' }) @IsOptional() @IsString() @MaxLength(100) text?: string;
  @ApiPropertyOptional({ enum: ITEM_KINDS }) @IsOptional() @IsIn(ITEM_KINDS as unknown as string[]) kind?: string;
  @ApiPropertyOptional({ description: '主题分类' }) @IsOptional() @IsString() @MaxLength(50) category?: string;
  @ApiPropertyOptional({ description: '渠道类型：已发往或拟发往该渠道' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,39}$/, { message: 'must be a channel type' })
  channelType?: string;
  @ApiPropertyOptional({ description: '渠道账号：已发往或拟发往该账号' }) @IsOptional() @IsUUID() accountId?: string;
  @ApiPropertyOptional({ description: '创建日期起（北京时间，YYYY-MM-DD）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  createdFrom?: string;
  @ApiPropertyOptional({ description: '创建日期止（含当天）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  createdTo?: string;
  @ApiPropertyOptional({ description: '发布日期起（YYYY-MM-DD）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  publishedFrom?: string;
  @ApiPropertyOptional({ description: '发布日期止（含当天）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  publishedTo?: string;
  @IsOptional() @IsIn(['mine', 'review']) view?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) pageSize?: number;
  /** The previous answer's nextCursor (keyset paging; checked by http/keyset.ts). */
  @ApiPropertyOptional({ description: '翻页位置：上一页结果的 nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: '翻页位置无效，请回到第一页' })
  cursor?: string;
}
