import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import type { Organisation } from '@app/domain/entities/organisation.entity';
import { DEFAULT_REVIEW_POLICY, normaliseReviewPolicy, type ReviewPolicy } from './review-policy';
import type { ReviewPolicyView } from './review-policy.types';

/**
 * Reads and writes organisations' review policies: the one writer of `organisations.review_policy`
 * (the admin route, and the organisation form's old "number of levels"), each write audited in the
 * caller's transaction.
 */
@Injectable()
export class ReviewPolicyService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
  ) {}

  /** The policy in force for the organisation (an admin of it or an ancestor asks). */
  async view(user: AuthUser, orgId: string): Promise<ReviewPolicyView> {
    const org = await this.scope.assertRole(user, orgId, rolesFor('review-policy.manage'));
    return this.inForce(this.ds.manager, org);
  }

  /** Sets the organisation's own policy (`levels`), or makes it inherit again (null); audited. */
  async set(user: AuthUser, orgId: string, levels: unknown): Promise<ReviewPolicyView> {
    const org = await this.scope.assertRole(user, orgId, rolesFor('review-policy.manage'));
    const policy = levels === null ? null : normaliseReviewPolicy(levels);
    return this.ds.transaction(async (em) => {
      await this.write(em, user.id, org, policy);
      return this.inForce(em, org);
    });
  }

  /** Writes `policy` (null: inherit) as the organisation's own, with its audit row, in `em`'s transaction. */
  async write(em: EntityManager, actorId: string, org: Organisation, policy: ReviewPolicy | null): Promise<void> {
    const [before] = await em.query(`SELECT review_policy FROM organisations WHERE id = $1 FOR UPDATE`, [org.id]);
    await em.query(`UPDATE organisations SET review_policy = $2::jsonb WHERE id = $1`, [org.id, policy === null ? null : JSON.stringify(policy)]);
    await this.audit.record(em, {
      actorId,
      action: 'organisation.review_policy',
      entityType: 'organisation',
      entityId: org.id,
      organisationId: org.id,
      details: { before: before?.review_policy ?? null, after: policy },
    });
  }

  /** The policy in force for `org`: its own, else its nearest ancestor's, else the default. */
  async inForce(em: EntityManager, org: Pick<Organisation, 'id' | 'path'>): Promise<ReviewPolicyView> {
    const ids = org.path.split('/').filter(Boolean);
    const rows: { id: string; name: string; review_policy: ReviewPolicy }[] = await em.query(
      `SELECT id, name, review_policy FROM organisations WHERE id = ANY($1::uuid[]) AND review_policy IS NOT NULL ORDER BY length(path) DESC LIMIT 1`,
      [ids],
    );
    const src = rows[0];
    if (!src) return { organisationId: org.id, levels: DEFAULT_REVIEW_POLICY, own: false, source: null };
    return { organisationId: org.id, levels: src.review_policy, own: src.id === org.id, source: { organisationId: src.id, name: src.name } };
  }
}
