import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GazetteIssueService } from '@app/channels/gazette/gazette-issue.service';
import { issueLabel } from '@app/channels/gazette/gazette-numbering';
import { bookTitle, FREQUENCY_LABELS, parseGazetteSettings } from '@app/channels/gazette/gazette-settings';
import type { GazetteSummary } from './gazette-rows.types';

/** The gazette desk's reads beyond the issue service: the summary of each gazette an operator may see. */
@Injectable()
export class GazetteDeskService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly issues: GazetteIssueService,
  ) {}

  /** Name, frequency, kinds, sections, the latest issue and how much waits, of the gazettes of these organisations. */
  async summaries(orgIds: string[]): Promise<GazetteSummary[]> {
    const rows: any[] = await this.ds.query(
      `SELECT a.id FROM channel_accounts a WHERE a.channel_type = 'gazette' AND a.organisation_id = ANY($1::uuid[]) ORDER BY a.name`,
      [orgIds],
    );
    const out: GazetteSummary[] = [];
    for (const r of rows) {
      const ctx = await this.issues.context(r.id);
      const [last] = await this.ds.query(
        `SELECT id, year, issue_no, total_no, published_at FROM gazette_issues WHERE channel_account_id = $1 AND status = 'published' ORDER BY total_no DESC LIMIT 1`,
        [r.id],
      );
      const [{ n: waiting }] = await this.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE channel_account_id = $1 AND state = 'awaiting_issue'`, [
        r.id,
      ]);
      out.push({
        accountId: r.id,
        name: ctx.account.name,
        organisationId: ctx.account.organisationId,
        title: bookTitle(ctx.settings.title),
        frequency: ctx.settings.frequency,
        frequencyLabel: FREQUENCY_LABELS[ctx.settings.frequency],
        kinds: ctx.kinds,
        sections: ctx.sections.map((s) => s.title),
        autoPublish: ctx.settings.autoPublish,
        url: `${ctx.site.baseUrl}/index.html`,
        feedUrl: `${ctx.site.baseUrl}/atom.xml`,
        openDataUrl: `${ctx.site.baseUrl}/open-data.json`,
        lastIssue: last
          ? { id: last.id, label: issueLabel({ year: last.year, issueNo: last.issue_no, totalNo: last.total_no }), publishedAt: last.published_at }
          : null,
        waiting,
        problems: parseGazetteSettings(ctx.account.settings, ctx.account.name).problems,
      });
    }
    return out;
  }
}
