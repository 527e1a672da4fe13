import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class PutAutosaveDto {
  @ApiProperty({ description: '未保存的内容（编辑页的表单），JSON 对象，≤2MB' }) @IsObject() payload: Record<string, unknown>;
}
