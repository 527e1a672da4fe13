import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { grantOrgIds } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { AuditService } from '@app/domain/services/audit.service';
import { returning } from '@app/domain/services/sql';
import { ComplianceEngine } from '../compliance-engine.service';
import {
  applyEntryEdits,
  buildLexicons,
  EDITABLE_KINDS,
  EntryEdit,
  isValidLexiconId,
  LexiconDoc,
  LexiconKind,
  LexiconOverride,
  MergedLexicon,
  summarize,
} from './lexicon-documents';

/**
 * The admin's lexicon editing. Every change is validated against the whole merged set (the same
 * loader the checker uses) before it is stored, audited, and the checker of this process rebuilt;
 * other processes follow within ComplianceEngine.REVISION_TTL_MS.
 */
@Injectable()
export class LexiconsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: ComplianceEngine,
    private readonly audit: AuditService,
  ) {}

  async list() {
    return (await this.engine.merged()).map(summarize);
  }

  /** The lexicons apply to every organisation: only an admin of a top-level organisation changes them. */
  async assertTopAdmin(user: AuthUser): Promise<void> {
    const orgIds = grantOrgIds(user, 'lexicon.manage');
    const roots = orgIds.length ? await this.ds.query(`SELECT id FROM organisations WHERE id = ANY($1::uuid[]) AND parent_id IS NULL`, [orgIds]) : [];
    if (!roots.length) throw AppError.forbidden('FORBIDDEN_ROLE', '词库对所有机构生效，只有最上级机构的管理员可以修改');
  }

  async get(id: string) {
    const m = (await this.engine.merged()).find((x) => x.id === id);
    if (!m) throw AppError.notFound('词库', id);
    return { ...summarize(m), doc: m.doc };
  }

  /** Replaces a lexicon (or adds one) with the given document; `disabled` switches it off without losing it. */
  async put(user: AuthUser, id: string, body: { doc?: Record<string, unknown>; disabled?: boolean }) {
    if (!isValidLexiconId(id)) throw AppError.validation([{ field: 'id', reason: '词库编号只能由字母、数字和 _ . - 组成，最多80个字符' }]);
    return this.write(user, id, 'lexicon.update', (current) => {
      const base = body.doc ?? current?.doc;
      if (!base) throw AppError.validation([{ field: 'doc', reason: '新建词库须提供词库内容' }]);
      if (body.doc?.id !== undefined && body.doc.id !== id) throw AppError.validation([{ field: 'doc.id', reason: `应为 ${id}（或不填）` }]);
      return { doc: { ...base, id } as LexiconDoc, disabled: body.disabled ?? current?.disabled ?? false };
    });
  }

  /** Adds / replaces entries by term and removes others, keeping the rest of the lexicon. */
  async editEntries(user: AuthUser, id: string, edits: { upsert?: EntryEdit[]; remove?: string[] }) {
    return this.write(
      user,
      id,
      'lexicon.entries',
      (current) => {
        if (!current) throw AppError.notFound('词库', id);
        return { doc: applyEntryEdits(current.doc, edits), disabled: current.disabled };
      },
      { upsert: (edits.upsert ?? []).length, remove: edits.remove ?? [] },
    );
  }

  /** Drops the admin's version: a shipped lexicon goes back to its file, an added one disappears. */
  async revert(user: AuthUser, id: string) {
    await this.ds.transaction(async (em) => {
      await em.query(`LOCK TABLE compliance_lexicons IN SHARE ROW EXCLUSIVE MODE`);
      const gone = await returning(em, `DELETE FROM compliance_lexicons WHERE id = $1 RETURNING id`, [id]);
      if (!gone.length) throw AppError.notFound('管理员修改的词库', id);
      // Moves the revision so every process reloads.
      await em.query(`SELECT nextval('compliance_lexicon_revision')`);
      buildLexicons(await this.engine.merged(em));
      await this.audit.record(em, { actorId: user.id, action: 'lexicon.revert', entityType: 'lexicon', entityId: id });
    });
    await this.engine.reload();
    return (await this.engine.merged()).find((x) => x.id === id) ? this.get(id) : { id, removed: true };
  }

  private async write(
    user: AuthUser,
    id: string,
    action: string,
    change: (current: MergedLexicon | undefined) => { doc: LexiconDoc; disabled: boolean },
    auditDetails: Record<string, unknown> = {},
  ) {
    await this.ds.transaction(async (em: EntityManager) => {
      // One lexicon edit at a time: each is validated against the set it will join.
      await em.query(`LOCK TABLE compliance_lexicons IN SHARE ROW EXCLUSIVE MODE`);
      const overrides = await this.engine.overrides(em);
      const current = (await this.engine.merged(em, overrides)).find((x) => x.id === id);
      const next = change(current);
      const kind = next.doc.kind as LexiconKind;
      if (!EDITABLE_KINDS.includes(kind)) {
        throw AppError.validation([{ field: 'doc.kind', reason: '词库类型只能是敏感词、错别字或涉密短语（字符映射表以配置文件维护）' }]);
      }
      if (current && current.kind !== kind) throw AppError.validation([{ field: 'doc.kind', reason: '不能改变已有词库的类型' }]);
      const candidate: LexiconOverride[] = [
        ...overrides.filter((o) => o.id !== id),
        { id, kind, doc: next.doc, disabled: next.disabled, updatedAt: new Date(), updatedBy: user.id },
      ];
      buildLexicons(await this.engine.merged(em, candidate));
      await em.query(
        `INSERT INTO compliance_lexicons (id, kind, doc, disabled, updated_by) VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, doc = EXCLUDED.doc, disabled = EXCLUDED.disabled,
           updated_by = EXCLUDED.updated_by, updated_at = now(), revision = nextval('compliance_lexicon_revision')`,
        [id, kind, JSON.stringify(next.doc), next.disabled, user.id],
      );
      await this.audit.record(em, {
        actorId: user.id,
        action,
        entityType: 'lexicon',
        entityId: id,
        details: { kind, disabled: next.disabled, source: current?.source ?? 'admin', ...auditDetails },
      });
    });
    await this.engine.reload();
    return this.get(id);
  }
}
