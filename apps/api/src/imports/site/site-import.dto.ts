import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class StartSiteImportDto {
  @ApiProperty({ description: '导入到的机构' })
  @IsUUID('all', { message: '$property 须为有效的机构编号' })
  organisationId!: string;

  @ApiProperty({ description: '该机构的政府网站账号（导入的文章发布在这个网站上）' })
  @IsUUID('all', { message: '$property 须为有效的渠道账号编号' })
  accountId!: string;

  @ApiProperty({ description: '旧网站的网站地图（sitemap.xml）、RSS 或栏目列表页地址' })
  @IsString({ message: '$property 须填写旧网站的网站地图、RSS 或栏目页地址' })
  @MaxLength(2000, { message: '$property 最多2000个字符' })
  @Matches(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: '$property 须为以 http:// 或 https:// 开头的网址' })
  sitemapUrl!: string;

  @ApiPropertyOptional({ description: '试导入：只读取并报告将导入什么、哪些页面无法读取，不写入任何信息' })
  @IsOptional()
  @IsBoolean({ message: '$property 须为是或否' })
  dryRun?: boolean;
}
