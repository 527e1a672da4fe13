import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** GET review/queue: one page of the queue (default 100), the next after `cursor`. */
export class ReviewQueueQuery {
  @ApiPropertyOptional({ description: '每页条数，默认 100' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
  @ApiPropertyOptional({ description: '翻页位置：上一页结果的 nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(400, { message: '翻页位置无效，请回到第一页' })
  cursor?: string;
}
