import { Injectable } from '@nestjs/common';
import type { FieldProblem } from '@app/common/errors/field-problem.types';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import {
  AdapterAccount,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelPreview,
  CredentialsError,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  RetryableError,
} from '@app/channels/channel-adapter';
import { GOVAPP_CREDENTIALS_SCHEMA, GOVAPP_OVERRIDE_SCHEMA, GOVAPP_SETTINGS_SCHEMA } from './govapp-schema';

export const GOVAPP_TYPE = 'govapp';
/** Its own statistics row: no template names it, so the statistics list it after their rows. */
export const GOVAPP_ROW = 'app';

/**
 * A sixth channel defined entirely in this folder: the county's 政务客户端 (a government news app), whose
 * publishing API takes one article per POST /articles (x-api-key) and answers its id and URL. It exists
 * to show that a channel is a folder plus one line (here: ChannelsModule.forRoot({ extraAdapters }) in
 * the suite; in production a line in libs/channels/src/adapter-list.ts).
 */
@Injectable()
export class GovAppAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: GOVAPP_TYPE,
    label: '政务客户端',
    reportRow: GOVAPP_ROW,
    newMedia: true,
    staleness: { maxDays: 14, label: '政务客户端两周无更新' },
    settingsSchema: GOVAPP_SETTINGS_SCHEMA,
    credentialsSchema: GOVAPP_CREDENTIALS_SCHEMA,
    overrideSchema: GOVAPP_OVERRIDE_SCHEMA,
    canUpdate: false,
    canWithdraw: false,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    limits: { titleMaxChars: 100 },
    concurrencyPerAccount: 1,
  };

  private headline(v: ItemSnapshot): string {
    const o = (v.channelOverrides?.[GOVAPP_TYPE] ?? {}) as Record<string, unknown>;
    return typeof o.headline === 'string' && o.headline.trim() ? o.headline.trim() : v.title;
  }

  async validate(v: ItemSnapshot): Promise<FieldProblem[]> {
    return this.headline(v).trim() ? [] : [{ field: 'title', reason: '标题不能为空' }];
  }

  async preview(v: ItemSnapshot, _account: AdapterAccount, portalUrl: string): Promise<ChannelPreview> {
    return { channelType: GOVAPP_TYPE, text: `${this.headline(v)}\n${portalUrl}`, problems: await this.validate(v) };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    if (ctx.checkpoint.articleId) return { status: 'published', externalId: String(ctx.checkpoint.articleId), externalUrl: ctx.checkpoint.articleUrl ?? null };
    const key = ctx.account.credentials.apiKey;
    if (typeof key !== 'string' || !key) throw new CredentialsError('GOVAPP_NO_KEY', '政务客户端账号未配置接口密钥');
    let res: Response;
    try {
      res = await fetch(`${ctx.account.baseUrl.replace(/\/+$/, '')}/articles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ ref: ctx.deliveryId, title: this.headline(ctx.version), column: ctx.account.settings.column ?? 'news', url: ctx.portalUrl }),
      });
    } catch (e) {
      throw new RetryableError('GOVAPP_UNREACHABLE', `政务客户端接口无法连接：${(e as Error).message}`);
    }
    if (res.status === 401) throw new CredentialsError('GOVAPP_401', '政务客户端拒绝了接口密钥');
    if (!res.ok) throw new PermanentError(`GOVAPP_${res.status}`, `政务客户端拒绝发布（${res.status}）`);
    const body = (await res.json()) as { id: string; url: string };
    await ctx.saveCheckpoint({ articleId: body.id, articleUrl: body.url });
    await ctx.logAttempt({ call: 'POST /articles', response: body.id });
    return { status: 'published', externalId: body.id, externalUrl: body.url };
  }
}
