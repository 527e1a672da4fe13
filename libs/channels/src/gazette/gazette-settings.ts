import type { FieldProblem } from '@app/common/errors/app-error';
import { ITEM_KINDS, ITEM_KIND_LABELS, ItemKind } from '@app/domain/enums/domain-enums';
import type { GazetteFrequency } from './gazette-reads.types';

/** Kinds a gazette prints unless its organisation says otherwise (CHANNELS.md: rules, normative documents, appointments). */
export const GAZETTE_DEFAULT_KINDS: ItemKind[] = ['regulation', 'normative', 'personnel'];
export const FREQUENCY_LABELS: Record<GazetteFrequency, string> = { monthly: '月刊', bimonthly: '双月刊', 'semi-monthly': '半月刊', manual: '不定期' };
/** Every frequency (the record above has each one), in its order. */
export const GAZETTE_FREQUENCIES = Object.keys(FREQUENCY_LABELS) as GazetteFrequency[];
export const ERRATA_SECTION = '勘误';

export interface GazetteSection {
  title: string;
  kinds: ItemKind[];
}

/** A gazette channel account's settings, normalised (see README.md for the stored shape). */
export interface GazetteSettings {
  /** Without 《》, e.g. 示范县人民政府公报 */
  title: string;
  frequency: GazetteFrequency;
  /** The first issue this system compiles: year, issue of that year, running total. */
  numbering: { year: number | null; issueNo: number; totalNo: number };
  sections: GazetteSection[];
  /** Kinds the gazette prints; null: the organisation's setting or the default. */
  kinds: ItemKind[] | null;
  autoPublish: boolean;
  /** Directory of the gazette inside the portal directory (served under /site/<path>/). */
  path: string;
  /** 编辑出版单位, printed on every issue. */
  publisher: string | null;
}

const DEFAULT_SECTION_TITLES: Partial<Record<ItemKind, string>> = {
  regulation: '政府规章',
  normative: '行政规范性文件',
  personnel: '人事任免',
  interpretation: '政策解读',
  notice: '通知公告',
  response: '回应关切',
  other: '其他',
};

export function bookTitle(title: string): string {
  return `《${title}》`;
}

function isKind(k: unknown): k is ItemKind {
  return typeof k === 'string' && (ITEM_KINDS as readonly string[]).includes(k);
}

/** Reads settings leniently (the schedule and the pages must work); `problems` lists what is wrong. */
export function parseGazetteSettings(
  raw: Record<string, any> | null | undefined,
  accountName: string,
): { settings: GazetteSettings; problems: FieldProblem[] } {
  const s = raw ?? {};
  const problems: FieldProblem[] = [];
  const title =
    String(s.title ?? accountName ?? '')
      .trim()
      .replace(/^《(.*)》$/, '$1') || accountName;
  let frequency: GazetteFrequency = 'monthly';
  if (s.frequency !== undefined) {
    if ((GAZETTE_FREQUENCIES as readonly string[]).includes(s.frequency)) frequency = s.frequency;
    else problems.push({ field: 'settings.frequency', reason: `出版周期应为 ${GAZETTE_FREQUENCIES.join('、')} 之一` });
  }
  const n = s.numbering ?? {};
  const posInt = (v: unknown, field: string, dflt: number) => {
    if (v === undefined || v === null) return dflt;
    if (Number.isInteger(v) && (v as number) > 0) return v as number;
    problems.push({ field, reason: '应为正整数' });
    return dflt;
  };
  const numbering = {
    year: n.year === undefined || n.year === null ? null : posInt(n.year, 'settings.numbering.year', new Date().getFullYear()),
    issueNo: posInt(n.issueNo, 'settings.numbering.issueNo', 1),
    totalNo: posInt(n.totalNo, 'settings.numbering.totalNo', 1),
  };
  let kinds: ItemKind[] | null = null;
  if (s.kinds !== undefined && s.kinds !== null) {
    if (Array.isArray(s.kinds) && s.kinds.length && s.kinds.every(isKind)) kinds = [...new Set(s.kinds as ItemKind[])];
    else problems.push({ field: 'settings.kinds', reason: `刊登类别应为 ${ITEM_KINDS.join('、')} 的非空列表` });
  }
  let sections: GazetteSection[] = [];
  if (Array.isArray(s.sections) && s.sections.length) {
    for (const [i, sec] of s.sections.entries()) {
      const t = String(sec?.title ?? '').trim();
      const ks = Array.isArray(sec?.kinds) ? sec.kinds.filter(isKind) : [];
      if (!t || t === ERRATA_SECTION) problems.push({ field: `settings.sections[${i}].title`, reason: `栏目名称不能为空，也不能是“${ERRATA_SECTION}”` });
      else sections.push({ title: t, kinds: ks });
    }
  } else {
    sections = (['regulation', 'normative', 'personnel'] as ItemKind[]).map((k) => ({ title: DEFAULT_SECTION_TITLES[k]!, kinds: [k] }));
  }
  return {
    settings: {
      title,
      frequency,
      numbering,
      sections,
      kinds,
      autoPublish: s.autoPublish === true,
      path: typeof s.path === 'string' && /^[a-z0-9][a-z0-9_-]*$/i.test(s.path) ? s.path : 'gazette',
      publisher: typeof s.publisher === 'string' && s.publisher.trim() ? s.publisher.trim() : null,
    },
    problems,
  };
}

/** Kinds printed: the account's list, else the organisation's (settings.gazette.kinds), else the default. */
export function acceptedKinds(settings: GazetteSettings, orgSettings: Record<string, any> | null | undefined): ItemKind[] {
  if (settings.kinds) return settings.kinds;
  const fromOrg = orgSettings?.gazette?.kinds;
  if (Array.isArray(fromOrg) && fromOrg.length && fromOrg.every(isKind)) return fromOrg as ItemKind[];
  return GAZETTE_DEFAULT_KINDS;
}

/**
 * The sections of the table of contents in order: the configured ones, then one per accepted kind no
 * section covers (named after the kind), then 勘误.
 */
export function effectiveSections(settings: GazetteSettings, kinds: ItemKind[]): GazetteSection[] {
  const out = settings.sections.map((s) => ({ ...s, kinds: [...s.kinds] }));
  for (const k of kinds) {
    if (!out.some((s) => s.kinds.includes(k))) out.push({ title: DEFAULT_SECTION_TITLES[k] ?? ITEM_KIND_LABELS[k], kinds: [k] });
  }
  return out;
}

/** Section an item goes in: the editor's override (channelOverrides.gazette.section) or the first covering its kind. */
export function sectionFor(sections: GazetteSection[], kind: ItemKind, override?: unknown): { section?: string; problem?: string } {
  if (override !== undefined && override !== null && override !== '') {
    const t = String(override).trim();
    if (!sections.some((s) => s.title === t)) return { problem: `栏目“${t}”不存在，可选：${sections.map((s) => s.title).join('、')}` };
    return { section: t };
  }
  const s = sections.find((x) => x.kinds.includes(kind));
  return s ? { section: s.title } : { problem: `没有刊登“${ITEM_KIND_LABELS[kind]}”的栏目` };
}
