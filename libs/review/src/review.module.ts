import { Module } from '@nestjs/common';
import { ReviewPolicyService } from './review-policy.service';
import { ReviewRejectionService } from './review-rejection.service';
import { ReviewRecallService } from './review-recall.service';

/**
 * The review feature's providers for the apps that compose it (the api app). Needs the global
 * DatabaseModule (DataSource, OrgScopeService, AuditService).
 */
@Module({
  providers: [ReviewPolicyService, ReviewRejectionService, ReviewRecallService],
  exports: [ReviewPolicyService, ReviewRejectionService, ReviewRecallService],
})
export class ReviewModule {}
