import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const toBool = ({ value }: { value: unknown }) => (value === undefined ? undefined : value === true || value === 'true' || value === '1');

export class InspectionQuery {
  @ApiPropertyOptional({ description: '机构（默认：本人有权查看的全部机构）' }) @IsOptional() @IsUUID() org?: string;
  @ApiPropertyOptional({ description: '含下级机构，默认 true' }) @IsOptional() @Transform(toBool) @IsBoolean() subtree?: boolean;
  @ApiPropertyOptional({ description: '监测时间点（北京时间日期），默认今天；该日之后的发布不计' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  today?: string;
}

export class InspectionRemindDto {
  @ApiPropertyOptional({ description: '按哪一天发送提醒（默认今天）' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  @IsDateString()
  today?: string;
}
