// Pure TypeScript: the console reads these shapes too.

export type SiteImportState = 'queued' | 'running' | 'paused' | 'done' | 'failed';

export interface SiteImportProblem {
  url: string;
  /** Why the page (or one of its files) could not be imported, in Chinese. */
  reason: string;
}

export interface SiteImportPageRow {
  url: string;
  state: 'pending' | 'read' | 'done' | 'failed';
  title: string | null;
  indexNo: string | null;
  publishDate: string | null;
  itemId: string | null;
  /** created, updated, unchanged; in a dry run would-create, would-update. */
  outcome: string | null;
}

/** GET /api/v1/imports/:id */
export interface SiteImportView {
  id: string;
  organisationId: string;
  accountId: string;
  sitemapUrl: string;
  dryRun: boolean;
  state: SiteImportState;
  counts: { done: number; total: number; failed: number };
  error: string | null;
  problems: SiteImportProblem[];
  pages: SiteImportPageRow[];
  createdAt: string;
  finishedAt: string | null;
}
