/** Shapes of the gazette API (apps/api/src/gazette), as they arrive through JSON. */
import type { Jsonified } from '../../lib/types';
import type { GazetteWaiting as GazetteWaitingReply, IssuePublished, IssueView } from '../../../../../libs/channels/src/gazette/gazette-reads.types';
import type { GazetteSummary } from '../../../../api/src/channels/gazette/gazette-rows.types';

/** GET gazette: a gazette with its latest issue and how much waits for the next. */
export type Gazette = Jsonified<GazetteSummary>;
/** An issue with its table of contents (GET gazette/:accountId/issues, POST …/issues/compile). */
export type GazetteIssue = Jsonified<IssueView>;
/** GET gazette/:accountId/waiting: deliveries and errata waiting for the next issue. */
export type GazetteWaiting = Jsonified<GazetteWaitingReply>;
/** POST gazette/issues/:issueId/publish. */
export type GazetteIssuePublished = Jsonified<IssuePublished>;
