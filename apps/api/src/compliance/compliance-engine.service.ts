import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import { ComplianceChecker } from '@app/compliance/compliance-checker';
import { configDir } from '@app/common/config/config-dir';
import { buildLexicons, FileLexicon, LexiconOverride, MergedLexicon, mergeLexicons, readLexiconFiles } from './lexicons/lexicon-documents';

/**
 * The one ComplianceChecker of this process. Built at start from config/lexicons plus the admin's
 * edits (compliance_lexicons); rebuilt when an edit is saved here, and — for the other API processes —
 * when the lexicon revision in the database has moved (looked at most every few seconds, on use).
 */
@Injectable()
export class ComplianceEngine implements OnModuleInit {
  private readonly log = componentLogger('compliance');
  private checker: ComplianceChecker | null = null;
  private revision = '';
  private lookedAt = 0;
  private files: FileLexicon[] | null = null;
  readonly lexiconDir = configDir('lexicons');
  /** How long a process trusts its checker before asking the database whether the lexicons changed. */
  static REVISION_TTL_MS = 5_000;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async onModuleInit() {
    await this.reload();
  }

  /** The checker, rebuilt first if another process changed the lexicons. */
  async current(): Promise<ComplianceChecker> {
    if (!this.checker || Date.now() - this.lookedAt > ComplianceEngine.REVISION_TTL_MS) {
      const rev = await this.dbRevision(this.ds.manager);
      this.lookedAt = Date.now();
      if (!this.checker || rev !== this.revision) await this.reload();
    }
    return this.checker!;
  }

  /** Rebuilds the checker from the files and the database. A broken edit never reaches here (it is validated before saving). */
  async reload(em: EntityManager = this.ds.manager): Promise<void> {
    const revision = await this.dbRevision(em);
    const merged = await this.merged(em);
    const started = Date.now();
    this.checker = new ComplianceChecker(buildLexicons(merged));
    this.revision = revision;
    this.lookedAt = Date.now();
    this.log.info({ lexicons: merged.filter((m) => !m.disabled).length, revision, ms: Date.now() - started }, 'compliance checker loaded');
  }

  /** Shipped files (read once per process) merged with the admin's edits. */
  async merged(em: EntityManager = this.ds.manager, overrides?: LexiconOverride[]): Promise<MergedLexicon[]> {
    this.files ??= readLexiconFiles(this.lexiconDir);
    return mergeLexicons(this.files, overrides ?? (await this.overrides(em)));
  }

  async overrides(em: EntityManager): Promise<LexiconOverride[]> {
    return em.query(`SELECT id, kind, doc, disabled, updated_at AS "updatedAt", updated_by AS "updatedBy" FROM compliance_lexicons ORDER BY id`);
  }

  private async dbRevision(em: EntityManager): Promise<string> {
    const rows: { last_value: string; is_called: boolean }[] = await em.query(`SELECT last_value, is_called FROM compliance_lexicon_revision`);
    return rows[0]?.is_called ? String(rows[0].last_value) : '0';
  }
}
