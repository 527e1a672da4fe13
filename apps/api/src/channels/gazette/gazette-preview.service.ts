import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GazetteContext } from '@app/channels/gazette/gazette-context';
import { articlesOf } from '@app/channels/gazette/gazette-entries';
import type { IssueView } from '@app/channels/gazette/gazette-reads.types';
import { renderIssuePage } from '@app/channels/gazette/gazette-templates';
import { esc } from '@app/channels/portal/portal-templates';
import type { IssuePreview } from './gazette-rows.types';

/**
 * The page an issue will be published as, before it is (预览): the gazette's own template over the
 * issue's frozen article versions, dated today and marked as a preview. Articles whose delivery left
 * the issue meanwhile (withdrawn, cancelled) are named: publishing drops them.
 */
@Injectable()
export class GazettePreviewService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async preview(issue: IssueView, ctx: GazetteContext): Promise<IssuePreview> {
    const articles = await articlesOf(this.ds.manager, issue.id);
    const published = issue.status === 'published' && issue.publishedAt;
    const html = renderIssuePage(ctx.site, {
      id: issue.id,
      year: issue.year,
      issueNo: issue.issueNo,
      totalNo: issue.totalNo,
      publishedAt: new Date(published ? issue.publishedAt! : Date.now()).toISOString(),
      toc: issue.toc,
      articles: Object.fromEntries(articles.map((a) => [a.entryId, a.snapshot])),
    });
    const dropped = issue.status === 'published' ? [] : articles.filter((a) => a.state !== 'awaiting_issue').map((a) => a.title);
    const banner = published
      ? ''
      : `<p role="note" style="margin:0;padding:8px 16px;background:#fff4ce;border-bottom:1px solid #b58100;text-align:center">预览：${esc(issue.label)}尚未出版，出版日期以实际出版日为准${
          dropped.length ? `；${dropped.length} 篇信息已撤回或取消，出版时将不刊登：${dropped.map((t) => `《${esc(t)}》`).join('、')}` : ''
        }</p>`;
    return {
      issueId: issue.id,
      label: issue.label,
      status: issue.status,
      html: html.replace('<body>\n', `<body>\n${banner}`),
      articleCount: issue.articleCount,
      dropped,
    };
  }
}
