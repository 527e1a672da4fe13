import { ApiProperty } from '@nestjs/swagger';
import { IsArray, ValidateIf } from 'class-validator';
import type { ReviewLevelSpec } from '@app/domain/entities/organisation.types';

/** PUT organisations/:id/review-policy. Each level is checked by reviewPolicyProblems (libs/review), field by field. */
export class PutReviewPolicyDto {
  @ApiProperty({
    nullable: true,
    description:
      '审核级别（按顺序）：[{ label: "初审", role: 决定该级的角色, recordsSecrecy: 是否记录保密审查结论 }, …]，1–5 级，最后一级须记录保密审查结论；null 表示沿用上级机构的审核流程',
  })
  @ValidateIf((o: PutReviewPolicyDto) => o.levels !== null)
  @IsArray()
  levels: ReviewLevelSpec[] | null;
}
