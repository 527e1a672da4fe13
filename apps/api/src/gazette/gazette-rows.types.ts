import type { GazetteFrequency, IssueView } from '../../../../libs/channels/src/gazette/gazette-reads.types';
import type { FieldProblem } from '../../../../libs/common/src/errors/field-problem.types';
import type { ItemKind } from '../../../../libs/domain/src/enums/domain-enums';

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
