import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import type { FindingSeverity } from '@app/domain/enums/domain-enums';

export interface GateFinding {
  rule: string;
  severity: FindingSeverity;
  field: string;
  start: number;
  end: number;
  excerpt: string;
  message: string;
}

// 绝密★ / 机密★ / 秘密★ with the star variants seen in practice (★☆*＊, optional spaces).
const SECRECY = /(绝密|机密|秘密)\s*[★☆*＊]/g;

/**
 * The hook point where content checks run on save and submit. Findings are stored with positions;
 * reviewers' decisions on earlier findings survive a re-scan when the same finding is still there.
 */
@Injectable()
export class ComplianceGate {
  scanText(field: string, text: string): GateFinding[] {
    const out: GateFinding[] = [];
    for (const m of text.matchAll(SECRECY)) {
      out.push({
        rule: 'secrecy-mark',
        severity: 'block',
        field,
        start: m.index!,
        end: m.index! + m[0].length,
        excerpt: text.slice(Math.max(0, m.index! - 10), m.index! + m[0].length + 10),
        message: `含有密级标志「${m[0]}」，涉密信息不得公开（上网不涉密、涉密不上网）`,
      });
    }
    return out;
  }

  scanItem(item: Item): GateFinding[] {
    const fields: [string, string][] = [
      ['title', item.title],
      ['summary', item.summary],
      ['bodyHtml', item.bodyHtml],
      ...(item.attachments ?? []).map((a, i) => [`attachments.${i}.name`, a.name] as [string, string]),
      ...Object.entries(item.channelOverrides ?? {}).flatMap(([ch, o]) =>
        Object.entries(o ?? {})
          .filter(([, v]) => typeof v === 'string')
          .map(([k, v]) => [`channelOverrides.${ch}.${k}`, v as string] as [string, string]),
      ),
    ];
    return fields.flatMap(([f, t]) => this.scanText(f, t ?? ''));
  }

  /** Re-scans and replaces the item's open findings; decided findings still present are kept. */
  async refresh(em: EntityManager, item: Item): Promise<ComplianceFinding[]> {
    const repo = em.getRepository(ComplianceFinding);
    const found = this.scanItem(item);
    const existing = await repo.findBy({ itemId: item.id });
    const key = (f: { rule: string; field: string; excerpt: string }) => `${f.rule}|${f.field}|${f.excerpt}`;
    const decided = new Map(existing.filter((f) => f.status !== 'open').map((f) => [key(f), f]));
    await repo.delete({ itemId: item.id, status: 'open' });
    const fresh = found.filter((f) => !decided.has(key(f)) || f.severity === 'block');
    if (fresh.length) await repo.insert(fresh.map((f) => ({ ...f, itemId: item.id, status: 'open' as const })));
    return repo.find({ where: { itemId: item.id }, order: { field: 'ASC', start: 'ASC' } });
  }
}
