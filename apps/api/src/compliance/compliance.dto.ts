import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  IsInt,
  ValidateNested,
} from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const toBool = ({ value }: { value: unknown }) => (value === undefined ? undefined : value === true || value === 'true' || value === '1');

export class DeadlinesQuery {
  @ApiPropertyOptional({ description: '机构（默认：本人有权查看的全部机构）' }) @IsOptional() @IsUUID() org?: string;
  @ApiPropertyOptional({ description: '含下级机构，默认 true' }) @IsOptional() @Transform(toBool) @IsBoolean() subtree?: boolean;
  @ApiPropertyOptional({ description: '按哪一天（北京时间）判断，默认今天；该日之后的发布不计' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  today?: string;
  @ApiPropertyOptional({ description: '回看天数（政策首次发布、成文日期），默认 365' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3660)
  sinceDays?: number;
}

export class DeadlineScanDto {
  @ApiPropertyOptional({ description: '按哪一天判断（默认今天）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  today?: string;
}

export class PutLexiconDto {
  @ApiPropertyOptional({ description: '整个词库文档：{kind: sensitive|typos|secrecy, category, severity, terms|pairs|phrases}' })
  @IsOptional()
  @IsObject()
  doc?: Record<string, unknown>;
  @ApiPropertyOptional({ description: '停用（保留内容）' }) @IsOptional() @IsBoolean() disabled?: boolean;
}

export class LexiconEntriesDto {
  @ApiPropertyOptional({
    description: '新增或替换的词条：敏感词 "词" 或 {term, severity?, suggestion?, allowedContexts?}；错别字 {wrong, right}；涉密短语 "短语"',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  upsert?: (string | Record<string, unknown>)[];
  @ApiPropertyOptional({ description: '删除的词条（按词 / 错词 / 短语）' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  remove?: string[];
}

export class CheckFieldDto {
  @ApiProperty() @IsString() @MaxLength(200) field: string;
  @ApiProperty() @IsString() @MaxLength(2_000_000) text: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() html?: boolean;
}

export class CheckTextDto {
  @ApiProperty({ type: [CheckFieldDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => CheckFieldDto) fields: CheckFieldDto[];
}
