import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ITEM_KIND_LABELS } from '@app/domain/enums/domain-enums';
import { AdapterAccount, ChannelAdapter, ChannelCapabilities, ChannelPreview, DeliverResult, DeliveryContext, PermanentError } from '../channel-adapter';
import { GazetteIssueService } from './gazette-issue.service';
import { bookTitle, GAZETTE_DEFAULT_KINDS, parseGazetteSettings, sectionFor } from './gazette-settings';
import { renderArticlePreview } from './gazette-templates';
import { GAZETTE_SITE, gazetteAccountProblems } from './gazette-site';
import { GAZETTE_CREDENTIALS_SCHEMA, GAZETTE_OVERRIDE_SCHEMA, GAZETTE_SETTINGS_SCHEMA } from './gazette-schema';

/**
 * The government gazette (政府公报). Deliveries wait `awaiting_issue` until an operator (or the
 * schedule) compiles and publishes the next issue (GazetteIssueService); publishing an issue
 * publishes all of its deliveries at once. A published issue never changes, so a withdrawal is
 * answered with a 勘误 in the next issue (capabilities.withdrawsByCorrection).
 */
@Injectable()
export class GazetteAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'gazette',
    label: '政府公报',
    reportRow: 'gazette',
    newMedia: false,
    settingsSchema: GAZETTE_SETTINGS_SCHEMA,
    credentialsSchema: GAZETTE_CREDENTIALS_SCHEMA,
    overrideSchema: GAZETTE_OVERRIDE_SCHEMA,
    canUpdate: false,
    canWithdraw: false,
    withdrawsByCorrection: true,
    asyncConfirmation: false,
    collectsIntoIssues: true,
    limits: { titleMaxChars: 200 },
    concurrencyPerAccount: 2,
    defaultKinds: GAZETTE_DEFAULT_KINDS,
  };

  readonly issues: GazetteIssueService;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.issues = new GazetteIssueService(ds, config);
  }

  /** Its folder under PORTAL_DIR belongs to one organisation (checked by the admin API). */
  readonly siteClaim = GAZETTE_SITE;

  /** At save: what its schema cannot say (gazette-site.ts). */
  accountProblems(settings: Record<string, unknown>): FieldProblem[] {
    return gazetteAccountProblems(settings);
  }

  private async ctx(account: AdapterAccount) {
    const org = await this.ds.getRepository(Organisation).findOneByOrFail({ id: account.organisationId });
    return this.issues.contextFor(
      { id: account.id, name: account.name, baseUrl: account.baseUrl, settings: account.settings, organisationId: account.organisationId },
      org,
    );
  }

  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const { problems: settingsProblems } = parseGazetteSettings(account.settings, account.name);
    for (const p of settingsProblems) problems.push({ field: 'account', reason: `公报设置有误（请联系管理员）：${p.field} ${p.reason}` });
    const ctx = await this.ctx(account);
    const title = bookTitle(ctx.settings.title);
    if (!ctx.kinds.includes(v.kind)) {
      problems.push({
        field: 'kind',
        reason: `${title}只刊登${ctx.kinds.map((k) => ITEM_KIND_LABELS[k]).join('、')}，本信息类别为“${ITEM_KIND_LABELS[v.kind] ?? v.kind}”，请取消公报渠道或改选其他渠道`,
      });
      return problems;
    }
    if (!v.title.trim()) problems.push({ field: 'title', reason: '标题不能为空' });
    if (v.title.length > 200) problems.push({ field: 'title', reason: '公报标题不能超过200字' });
    if (!v.bodyHtml.replace(/<[^>]*>/g, '').trim() && !v.attachments.length) problems.push({ field: 'bodyHtml', reason: '公报刊登全文，正文和附件不能都为空' });
    const sec = sectionFor(ctx.sections, v.kind, v.channelOverrides?.gazette?.section);
    if (sec.problem) problems.push({ field: 'channelOverrides.gazette.section', reason: sec.problem });
    return problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount): Promise<ChannelPreview> {
    const problems = await this.validate(v, account);
    const ctx = await this.ctx(account);
    const sec = sectionFor(ctx.sections, v.kind, v.channelOverrides?.gazette?.section);
    const nextIssue = await this.issues.nextLabel(ctx);
    return {
      channelType: 'gazette',
      html: renderArticlePreview(ctx.site, v, sec.section ?? '', nextIssue),
      meta: { gazette: bookTitle(ctx.settings.title), section: sec.section ?? null, nextIssue, kinds: ctx.kinds },
      problems,
    };
  }

  /** Nothing leaves the system yet: the delivery waits for the next issue. */
  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    const g = await this.ctx(ctx.account);
    if (!g.kinds.includes(ctx.version.kind)) {
      throw new PermanentError(
        'GAZETTE_KIND_NOT_ACCEPTED',
        `${bookTitle(g.settings.title)}不刊登“${ITEM_KIND_LABELS[ctx.version.kind] ?? ctx.version.kind}”类信息（公报设置在提交后已改变）`,
      );
    }
    await ctx.logAttempt({ call: `queue for next issue of ${bookTitle(g.settings.title)}`, response: 'awaiting_issue' });
    return { status: 'awaiting_issue' };
  }

  /** The printed issue stays as it is; a 勘误 goes into the next issue. */
  async withdraw(ctx: DeliveryContext): Promise<void> {
    const r = await this.issues.recordErratum(ctx.deliveryId, ctx.checkpoint.withdrawReason ?? null, new Date());
    await ctx.logAttempt({ call: 'record erratum for the next issue', response: r.recorded ? r.text : 'not printed in any issue: nothing to correct' });
  }
}
