import { Module } from '@nestjs/common';
import { ReviewModule } from '@app/review/review.module';
import { ReviewPolicyController } from './review-policy.controller';
import { ReviewQueueController } from './review-queue.controller';
import { ReviewQueueService } from './review-queue.service';

/** The review policy and review queue routes (registered in feature-modules.ts). */
@Module({
  imports: [ReviewModule],
  controllers: [ReviewPolicyController, ReviewQueueController],
  providers: [ReviewQueueService],
})
export class ReviewApiModule {}
