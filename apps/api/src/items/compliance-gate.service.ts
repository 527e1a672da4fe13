import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { PERSONAL_DATA_RULES } from '@app/compliance/finding';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import type { FindingPlacement } from '@app/domain/entities/compliance-finding.types';
import { ContentScanner, isSubmitOnly, ScanPhase } from '../compliance/content/content-scanner.service';
import { getFieldText, isRedactableField, setFieldText } from '../compliance/content/item-content';

export type GateFinding = FindingPlacement;

/**
 * The hook point where content checks run (libs/compliance through ContentScanner): on save, on
 * submit (plus outgoing links and every channel rendition) and on approval. Findings are stored with
 * positions; reviewers' decisions on earlier findings survive a re-scan while the same finding is
 * still there (its position follows the text); block findings are never taken as decided.
 */
@Injectable()
export class ComplianceGate {
  constructor(private readonly scanner: ContentScanner) {}

  async scanItem(em: EntityManager, item: Item, phase: ScanPhase = 'save'): Promise<GateFinding[]> {
    return (await this.scanner.scan(em, item, phase)).map(({ rule, severity, field, start, end, excerpt, message }) => ({
      rule,
      severity,
      field,
      start,
      end,
      excerpt,
      message,
    }));
  }

  /**
   * Re-scans: findings still present keep their row (id, decision; position, severity and message
   * follow the text and the lexicons), new ones are inserted, open ones gone are deleted. On
   * approval the item cannot have changed since submit, so the submit-only findings (links,
   * renditions) are carried over instead of being looked up again.
   */
  async refresh(em: EntityManager, item: Item, phase: ScanPhase = 'save', stored?: ComplianceFinding[]): Promise<ComplianceFinding[]> {
    const repo = em.getRepository(ComplianceFinding);
    // `stored`: the item's findings as the caller read them under the item's lock
    const existing = stored ?? (await repo.find({ where: { itemId: item.id }, order: { field: 'ASC', start: 'ASC' } }));
    const plan = await this.compare(em, item, phase, existing);
    for (const u of plan.updates) await repo.update({ id: u.id }, { start: u.start, end: u.end, severity: u.severity, message: u.message });
    // Open findings no longer there go (still open: a decision taken meanwhile keeps its row).
    if (plan.gone.length) await repo.createQueryBuilder().delete().where('id IN (:...gone) AND status = :open', { gone: plan.gone, open: 'open' }).execute();
    if (plan.fresh.length) await repo.insert(plan.fresh.map((f) => ({ ...f, itemId: item.id, status: 'open' as const })));
    // The common case (an unchanged item approved) costs one read and no writes.
    if (!plan.changed) return existing;
    return repo.find({ where: { itemId: item.id }, order: { field: 'ASC', start: 'ASC' } });
  }

  /**
   * The re-scan compared with the stored findings (ordered by field and start), without writing:
   * which rows would move, go or be added. `changed` false means the stored findings stand as they
   * are (approval can then go ahead without a write to them).
   */
  async compare(em: EntityManager, item: Item, phase: ScanPhase, existing: ComplianceFinding[]) {
    const found = await this.scanItem(em, item, phase);
    const key = (f: { rule: string; field: string; excerpt: string }) => `${f.rule}|${f.field}|${f.excerpt}`;
    // Rows still found keep their id (the console and reviewers refer to it) and their decision.
    const pool = new Map<string, ComplianceFinding[]>();
    for (const f of existing) if (f.status !== 'resolved') pool.set(key(f), [...(pool.get(key(f)) ?? []), f]);
    const keep = new Set(phase === 'approve' ? existing.filter((f) => f.status === 'open' && isSubmitOnly(f)).map((f) => f.id) : []);
    const fresh: GateFinding[] = [];
    const updates: (GateFinding & { id: string })[] = [];
    for (const f of found) {
      const list = pool.get(key(f)) ?? [];
      // A block finding is never taken as decided (a lexicon term moved to block reopens it).
      const at = list.findIndex((p) => f.severity !== 'block' || p.status === 'open');
      const prior = at >= 0 ? list.splice(at, 1)[0] : undefined;
      if (!prior) {
        fresh.push(f);
        continue;
      }
      keep.add(prior.id);
      if (prior.start !== f.start || prior.end !== f.end || prior.severity !== f.severity || prior.message !== f.message) updates.push({ ...f, id: prior.id });
    }
    const gone = existing.filter((f) => f.status === 'open' && !keep.has(f.id)).map((f) => f.id);
    return { fresh, updates, gone, changed: fresh.length > 0 || updates.length > 0 || gone.length > 0 };
  }

  /**
   * The one-click redaction: masks the finding's span in place with the library's redact (HTML-aware:
   * tags are never touched), saves the item, marks the finding redacted and re-checks, so the other
   * findings' positions match the new text. Personal data only; attachments and renditions are
   * edited at their source.
   */
  async redact(em: EntityManager, item: Item, f: ComplianceFinding, decidedBy: string, reason: string | null): Promise<void> {
    if (!PERSONAL_DATA_RULES.has(f.rule))
      throw AppError.conflict('REDACT_UNSUPPORTED', '只有个人信息可以一键删除（脱敏），其他内容请编辑修改原文或说明保留理由', [
        { field: f.field, reason: f.rule },
      ]);
    if (!isRedactableField(f.field))
      throw AppError.conflict('REDACT_UNSUPPORTED', '该位置的内容（附件或渠道发布稿）请在原文件或原文中修改', [
        { field: f.field, reason: 'not an editable field' },
      ]);
    const text = getFieldText(item, f.field);
    if (text === null) throw AppError.conflict('FINDING_STALE', '原文已变化，请重新检查', [{ field: f.field, reason: 'field no longer exists' }]);
    const checker = await this.scanner.checker();
    const r = checker.redactWithReport(text, [f], { html: f.field === 'bodyHtml' || /html$/i.test(f.field) });
    if (!r.applied.length)
      throw AppError.conflict('FINDING_STALE', '原文已变化，请重新检查', [{ field: f.field, reason: r.skipped[0]?.reason ?? 'not applied' }]);
    Object.assign(item, setFieldText(item, f.field, r.text));
    await em.getRepository(Item).save(item);
    await em.getRepository(ComplianceFinding).update({ id: f.id }, { status: 'redacted', decidedBy, decisionReason: reason });
    await this.refresh(em, item, 'save');
  }
}
