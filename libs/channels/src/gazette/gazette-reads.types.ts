import type { ItemKind } from '../../../domain/src/enums/domain-enums';

// Pure TypeScript (type imports of pure modules only, by relative path): a gazette issue, its table of
// contents and what GazetteIssueService answers to the gazette desk, which the console
// (apps/console/src/pages/monitor/gazette-panel.tsx) reads too. Timestamps are Dates here and ISO
// strings once sent. The GazetteIssue entity implements GazetteIssueRecord.

/** How often a gazette comes out (FREQUENCY_LABELS in gazette-settings.ts names each). */
export type GazetteFrequency = 'monthly' | 'bimonthly' | 'semi-monthly' | 'manual';

/** `draft`: numbered but nothing to print; `compiled`: can be published; `published`: frozen for good. */
export type GazetteIssueStatus = 'draft' | 'compiled' | 'published';

/** One line of an issue's table of contents: an article, or a 勘误 about an article of an earlier issue. */
export interface TocEntry {
  entryId: string;
  deliveryId: string;
  itemId: string;
  title: string;
  docNo: string | null;
  /** Running number through the issue, 1-based; the anchor on the issue page is `a<position>`. */
  position: number;
  anchor: string;
  versionNo?: number;
  issuingBody?: string;
  writtenDate?: string | null;
  kind?: string;
  indexNo?: string;
  erratum?: { text: string; correctsIssueId: string; correctsLabel: string };
}

export interface GazetteToc {
  sections: { title: string; entries: TocEntry[] }[];
}

/** A row of `gazette_issues`. */
export interface GazetteIssueRecord {
  id: string;
  channelAccountId: string;
  organisationId: string;
  year: number;
  issueNo: number;
  totalNo: number;
  status: GazetteIssueStatus;
  toc: GazetteToc;
  compiledAt: Date | null;
  compiledBy: string | null;
  publishedAt: Date | null;
  publishedBy: string | null;
  siteWrittenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An issue as the gazette desk sees it (GET gazette/:accountId/issues, compile, reorder). */
export interface IssueView extends Pick<
  GazetteIssueRecord,
  'id' | 'channelAccountId' | 'year' | 'issueNo' | 'totalNo' | 'status' | 'toc' | 'compiledAt' | 'publishedAt' | 'siteWrittenAt'
> {
  /** "2026年第3期（总第123期）" */
  label: string;
  articleCount: number;
  errataCount: number;
  /** The issue's page; null until it is published. */
  url: string | null;
}

/** POST gazette/issues/:issueId/publish: the published issue, and whether its pages were written yet. */
export interface IssuePublished {
  issue: IssueView;
  /** false: writing the pages failed after the commit; the schedule writes them. */
  siteWritten: boolean;
}

/** A delivery waiting for an issue (GET gazette/:accountId/waiting), from its frozen version. */
export interface WaitingDelivery {
  deliveryId: string;
  itemId: string;
  versionNo: number;
  title: string;
  docNo: string | null;
  kind: ItemKind;
  waitingSince: Date;
  /** The issue in preparation it is already compiled into, if any. */
  issueId: string | null;
}

/** A 勘误 waiting for the next issue. */
export interface WaitingErratum {
  entryId: string;
  itemId: string;
  text: string;
  createdAt: Date;
}

/** GET gazette/:accountId/waiting: what the next issue would print. */
export interface GazetteWaiting {
  deliveries: WaitingDelivery[];
  errata: WaitingErratum[];
}
