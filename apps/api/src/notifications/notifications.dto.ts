import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { MAX_PAGE } from '../http/paging';

const toBool = ({ value }: { value: unknown }) => (value === undefined ? undefined : value === true || value === 'true' || value === '1');

export class ListNotificationsQuery {
  @ApiPropertyOptional({ description: '只看未读' }) @IsOptional() @Transform(toBool) @IsBoolean() unread?: boolean;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize?: number;
}

export class PutWebhookDto {
  @ApiPropertyOptional({ description: '接收通知的地址（http 或 https）；null 表示不再转发' })
  @ValidateIf((o: PutWebhookDto) => o.url !== null)
  @IsString({ message: '$property 须填写接收通知的网址' })
  @MaxLength(500, { message: '$property 最多500个字符' })
  @Matches(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: '$property 须为以 http:// 或 https:// 开头的网址' })
  url!: string | null;

  @ApiPropertyOptional({ description: '签名密钥（至少16个字符；修改地址时可不填，沿用原密钥）' })
  @IsOptional()
  @IsString()
  @MinLength(16, { message: '$property 签名密钥至少16个字符' })
  @MaxLength(200, { message: '$property 签名密钥最多200个字符' })
  secret?: string;

  @ApiPropertyOptional({ description: '是否转发' }) @IsOptional() @IsBoolean() enabled?: boolean;
}
