import type { GazetteFrequency, IssueView } from '../../../../../libs/channels/src/gazette/gazette-reads.types';
import type { FieldProblem } from '../../../../../libs/common/src/errors/field-problem.types';
import type { ItemKind } from '../../../../../libs/domain/src/enums/domain-enums';

// Pure TypeScript (type imports of pure modules only, by relative path): what GazetteController builds
// itself, which the console (apps/console/src/pages/monitor/gazette-panel.tsx) reads too. Timestamps
// are Dates here and ISO strings once sent.

/** GET gazette: a gazette its reader may see, with its latest issue and how much waits for the next. */
export interface GazetteSummary {
  accountId: string;
  name: string;
  organisationId: string;
  /** In 《》. */
  title: string;
  frequency: GazetteFrequency;
  frequencyLabel: string;
  kinds: ItemKind[];
  /** Section titles, in order. */
  sections: string[];
  autoPublish: boolean;
  url: string;
  feedUrl: string;
  openDataUrl: string;
  lastIssue: { id: string; label: string; publishedAt: Date } | null;
  /** Deliveries waiting for an issue. */
  waiting: number;
  /** What is wrong with the gazette's settings. */
  problems: FieldProblem[];
}

/** GET gazette/issues/:issueId: the issue, and the errata waiting for the next one. */
export interface IssueDetail extends IssueView {
  pendingErrata: number;
}

/** GET gazette/issues/:issueId/preview: the issue's page as it will be published (before publishing it). */
export interface IssuePreview {
  issueId: string;
  label: string;
  status: IssueView['status'];
  /** The whole issue page (masthead, contents, every article), marked as a preview until published. */
  html: string;
  articleCount: number;
  /** Titles of articles that will be left out at publication (their item was withdrawn or the delivery cancelled meanwhile). */
  dropped: string[];
}
