import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { ReviewPolicyService } from '@app/review/review-policy.service';
import type { ReviewPolicyView } from '@app/review/review-policy.types';
import { PutReviewPolicyDto } from './review-policy.dto';

@ApiTags('review')
@ApiBearerAuth()
@RequirePermission('review-policy.manage')
@Controller('organisations/:id/review-policy')
export class ReviewPolicyController {
  constructor(private readonly policies: ReviewPolicyService) {}

  @Get()
  @ApiOperation({ summary: '机构的审核流程（本机构设置的，或沿用上级机构的）' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ReviewPolicyView> {
    return this.policies.view(user, id);
  }

  @Put()
  @ApiOperation({ summary: '设置机构的审核流程（初审/复审/终审…：名称、决定该级的角色、是否记录保密审查结论）；levels 为 null 则沿用上级' })
  put(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: PutReviewPolicyDto): Promise<ReviewPolicyView> {
    return this.policies.set(user, id, dto.levels);
  }
}
