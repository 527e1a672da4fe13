import type { GazetteToc, TocEntry } from './gazette-reads.types';
import { ERRATA_SECTION, GazetteSection } from './gazette-settings';

/** An article as the table of contents needs it (from the frozen item version). */
export interface TocArticleInput {
  entryId: string;
  deliveryId: string;
  itemId: string;
  versionNo: number;
  title: string;
  docNo: string | null;
  issuingBody: string;
  writtenDate: string | null;
  kind: string;
  indexNo: string;
  approvedAt: string;
  section: string;
  /** Position chosen by the operator (manual order); 0 or absent: the default order. */
  position?: number;
}

export interface TocErratumInput {
  entryId: string;
  deliveryId: string;
  itemId: string;
  title: string;
  docNo: string | null;
  text: string;
  correctsIssueId: string;
  correctsLabel: string;
  createdAt: string;
}

/** Numbers inside a 文号 compared as numbers: 示政发〔2026〕8号 before 示政发〔2026〕12号. */
export function compareDocNo(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  const prefixA = a.replace(/[〔\[(（]?\d.*$/, '');
  const prefixB = b.replace(/[〔\[(（]?\d.*$/, '');
  if (prefixA !== prefixB) return prefixA.localeCompare(prefixB, 'zh-Hans-CN');
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d) return d;
  }
  return a.localeCompare(b, 'zh-Hans-CN');
}

/**
 * Default order inside a section: by 成文日期 (undated last), then 文号, then approval time, then
 * title — the order documents were issued in, which is how gazettes print them.
 */
export function compareArticles(a: TocArticleInput, b: TocArticleInput): number {
  if (a.writtenDate !== b.writtenDate) {
    if (!a.writtenDate) return 1;
    if (!b.writtenDate) return -1;
    return a.writtenDate < b.writtenDate ? -1 : 1;
  }
  return (
    compareDocNo(a.docNo, b.docNo) ||
    a.approvedAt.localeCompare(b.approvedAt) ||
    a.title.localeCompare(b.title, 'zh-Hans-CN') ||
    a.entryId.localeCompare(b.entryId)
  );
}

/**
 * Builds the table of contents: the configured sections in order (empty ones left out), articles of
 * sections that no longer exist after them, 勘误 last. `manualOrder` keeps the operator's positions.
 */
export function buildToc(sections: GazetteSection[], articles: TocArticleInput[], errata: TocErratumInput[], manualOrder = false): GazetteToc {
  const titles = sections.map((s) => s.title);
  for (const a of articles) if (!titles.includes(a.section)) titles.push(a.section);
  let position = 0;
  const out: GazetteToc = { sections: [] };
  for (const title of titles) {
    const list = articles.filter((a) => a.section === title);
    if (!list.length) continue;
    list.sort(manualOrder ? (a, b) => (a.position ?? 0) - (b.position ?? 0) || compareArticles(a, b) : compareArticles);
    out.sections.push({
      title,
      entries: list.map((a) => {
        position++;
        return {
          entryId: a.entryId,
          deliveryId: a.deliveryId,
          itemId: a.itemId,
          title: a.title,
          docNo: a.docNo,
          position,
          anchor: `a${position}`,
          versionNo: a.versionNo,
          issuingBody: a.issuingBody,
          writtenDate: a.writtenDate,
          kind: a.kind,
          indexNo: a.indexNo,
        };
      }),
    });
  }
  if (errata.length) {
    const list = [...errata].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.entryId.localeCompare(b.entryId));
    out.sections.push({
      title: ERRATA_SECTION,
      entries: list.map((e) => {
        position++;
        return {
          entryId: e.entryId,
          deliveryId: e.deliveryId,
          itemId: e.itemId,
          title: `关于《${e.title}》的勘误`,
          docNo: e.docNo,
          position,
          anchor: `a${position}`,
          erratum: { text: e.text, correctsIssueId: e.correctsIssueId, correctsLabel: e.correctsLabel },
        };
      }),
    });
  }
  return out;
}

export function tocEntries(toc: GazetteToc): TocEntry[] {
  return toc.sections.flatMap((s) => s.entries);
}

/** The text of a 勘误 for a withdrawn article. */
export function erratumText(o: { title: string; docNo: string | null; issueLabel: string; withdrawnOn: string; reason: string | null }): string {
  const doc = o.docNo ? `（${o.docNo}）` : '';
  const why = o.reason ? `撤回原因：${o.reason.replace(/[。.\s]+$/, '')}。` : '';
  return `本刊${o.issueLabel}刊登的《${o.title}》${doc}已于${o.withdrawnOn}撤回，不再作为公开的政府信息。${why}特此更正。`;
}
