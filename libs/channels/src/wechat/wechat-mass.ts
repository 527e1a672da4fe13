import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import {
  AdapterAccount,
  ChannelError,
  ConfirmResult,
  DeliverResult,
  DeliveryContext,
  ManualCheckError,
  PermanentError,
  RateLimitedError,
  ReconcileResult,
  RetryableError,
  UnknownOutcomeError,
} from '../channel-adapter';
import type { WechatClient } from './wechat-client';
import { massQuota, Queryable } from './wechat-mass-quota';
import { clientMsgIdFor, massSettings, publishModeOf, publishModeOverrideProblems } from './wechat-mass-settings';

/** What the adapter lends the 群发 flow: its draft step and its cover rendition. */
export interface MassHooks {
  /** the adapter's images → thumb → draft/add steps (checkpoints draftMediaId) */
  createDraft(): Promise<void>;
  /** the cover as a JPG ≤ 64 KB, for the temporary thumb uploadnews documents */
  thumb(): Promise<{ buffer: Buffer; mime: string }>;
}

/** The platform keeps a clientmsgid for 24 h; past that a resend with it is no longer deduplicated. */
const DEDUP_WINDOW_MS = 23 * 3600_000;
/** Temporary material (thumb, uploadnews) lives 3 days; renew well before. */
const TEMP_MEDIA_MAX_AGE_MS = 2 * 24 * 3600_000;

const MASS_REASONS: Record<string, string> = {
  WECHAT_45028: '群发次数已用完（订阅号每天 1 次，服务号每位关注者每月 4 条），请在额度恢复后由运维人员重试',
  WECHAT_45067: 'clientmsgid 超出长度限制（系统错误，请联系技术支持）',
  WECHAT_40059: '群发消息 ID（msg_id）无效',
};

/**
 * 群发 (mass send) of a WeChat delivery (PLATFORM.md §1; README “群发”). Steps, each checkpointed:
 *   draftMediaId (the adapter's own draft steps) → massMediaId (draft/get → temporary thumb →
 *   media/uploadnews; a draft media_id when uploadnews is refused) → massSendAttemptedAt +
 *   massClientMsgId → massMsgId (message/mass/sendall) → confirmed by mass/get or MASSSENDJOBFINISH.
 * A send is never repeated under another key: the delivery's clientmsgid makes a repeat within 24 h
 * answer 45065 with the first msg_id, which is then confirmed with mass/get, never taken on trust.
 */
export class WechatMass {
  constructor(private readonly db?: Queryable) {}

  /** This delivery is (or is to be) a 群发: decided once and kept in the checkpoint. */
  static applies(ctx: Pick<DeliveryContext, 'checkpoint' | 'version' | 'account'>): boolean {
    const cp = ctx.checkpoint;
    if (cp.publishMode) return cp.publishMode === 'mass';
    if (cp.publishId || cp.submitAttemptedAt) return false; // a freepublish already under way stays one
    return publishModeOf(ctx.version, ctx.account) === 'mass';
  }

  /** Submit-time: the override is valid, and the quota of the day (or month) is not used up. */
  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const problems = publishModeOverrideProblems(v);
    if (problems.length || publishModeOf(v, account) !== 'mass' || !this.db) return problems;
    const when = (v as { publishAt?: unknown }).publishAt; // scheduled: that day's quota
    const planned = when ? new Date(when as string) : null;
    const at = planned && planned.getTime() > Date.now() ? planned : new Date();
    const q = await massQuota(this.db, account, at);
    if (q.message) problems.push({ field: 'channelOverrides.wechat.publishMode', reason: q.message });
    return problems;
  }

  async deliver(ctx: DeliveryContext, client: WechatClient, hooks: MassHooks): Promise<DeliverResult> {
    if (ctx.checkpoint.publishMode !== 'mass') await ctx.saveCheckpoint({ publishMode: 'mass' });
    if (ctx.checkpoint.massMsgId) {
      // sent before: only a send the platform says failed may go again (an operator's retry), under a new key
      const last = String(ctx.checkpoint.massMsgId);
      if ((await this.status(client, last)) !== 'SEND_FAIL')
        return { status: 'awaiting_confirmation', externalId: last, pollAfterMs: this.pollMs(ctx.account) };
      // the draft went with the first send (deleted after uploadnews, or consumed): a new one is made
      await ctx.saveCheckpoint({
        massMsgId: null,
        massSendAttemptedAt: null,
        massClientMsgId: null,
        massMediaId: null,
        draftMediaId: null,
        draftAttemptedAt: null,
        massGeneration: Number(ctx.checkpoint.massGeneration ?? 0) + 1,
        lastMassMsgId: last,
      });
    }
    const resending = !!ctx.checkpoint.massSendAttemptedAt;
    if (resending && Date.now() - Date.parse(ctx.checkpoint.massSendAttemptedAt) > DEDUP_WINDOW_MS) {
      throw new ManualCheckError(
        'WECHAT_MASS_UNCONFIRMED',
        '群发请求的结果超过 24 小时仍无法确认（平台只在 24 小时内按 clientmsgid 去重），请在微信公众平台“群发记录”中人工核实：已发出则标记为已发布，未发出再重试',
      );
    }
    if (!ctx.checkpoint.massMediaId || Date.now() - Date.parse(ctx.checkpoint.massMediaAt ?? 0) > TEMP_MEDIA_MAX_AGE_MS) {
      if (resending && ctx.checkpoint.massMediaSource === 'draft') {
        // the draft may have been consumed by the send whose answer was lost: nothing to send it with
        throw new ManualCheckError('WECHAT_MASS_UNCONFIRMED', '上次群发的结果未知且草稿已不可再用，请在微信公众平台“群发记录”中人工核实');
      }
      await this.prepareMedia(ctx, client, hooks);
    }
    if (!resending && this.db) {
      const q = await massQuota(this.db, ctx.account, new Date(), ctx.deliveryId);
      if (q.message) throw new PermanentError('WECHAT_MASS_QUOTA', `${q.message}；请在额度恢复后由运维人员重试`);
    }
    const clientMsgId: string = ctx.checkpoint.massClientMsgId ?? clientMsgIdFor(ctx.deliveryId, Number(ctx.checkpoint.massGeneration ?? 0));
    if (!resending) await ctx.saveCheckpoint({ massClientMsgId: clientMsgId, massSendAttemptedAt: new Date().toISOString() });
    const s = massSettings(ctx.account);
    let res: any;
    try {
      res = await client.call('message/mass/sendall', '/cgi-bin/message/mass/sendall', {
        json: {
          filter: s.target === 'all' ? { is_to_all: true } : { is_to_all: false, tag_id: s.target },
          mpnews: { media_id: ctx.checkpoint.massMediaId },
          msgtype: 'mpnews',
          send_ignore_reprint: s.sendIgnoreReprint,
          clientmsgid: clientMsgId,
        },
        effect: 'create',
        answerErrcodes: [45065],
      });
    } catch (e) {
      throw await this.sendError(ctx, e, resending);
    }
    const msgId = res?.msg_id;
    if (msgId === undefined || msgId === null || msgId === '') {
      throw new ManualCheckError('WECHAT_MASS_NO_MSG_ID', '微信接受了群发请求但未返回 msg_id，请在微信公众平台“群发记录”中人工核实');
    }
    await ctx.saveCheckpoint({
      massMsgId: String(msgId),
      massMsgDataId: res.msg_data_id != null ? String(res.msg_data_id) : null,
      massSentAt: new Date().toISOString(),
      // 45065: "a send with this key exists" — not proof it went out; mass/get decides
      massDedup: Number(res.errcode ?? 0) === 45065,
    });
    if (ctx.checkpoint.massMediaSource === 'uploadnews' && ctx.checkpoint.draftMediaId) {
      // the draft only served to build the mpnews material: keep the account's draft box clean
      await client
        .call('draft/delete', '/cgi-bin/draft/delete', { json: { media_id: ctx.checkpoint.draftMediaId }, effect: 'repeatable' })
        .catch(() => undefined);
    }
    return { status: 'awaiting_confirmation', externalId: String(msgId), pollAfterMs: this.pollMs(ctx.account) };
  }

  /** A definite refusal frees the attempt mark (nothing went out); an unknown one keeps it. */
  private async sendError(ctx: DeliveryContext, e: unknown, resending: boolean): Promise<unknown> {
    if (!(e instanceof ChannelError)) return e;
    if (e.code === 'WECHAT_45066') {
      const n = Number(ctx.account.settings.massRetryAfterMs);
      return new RateLimitedError(e.code, `同一群发请求重试过快，1 分钟后用同一 clientmsgid 重试（${e.message}）`, Number.isFinite(n) && n >= 0 ? n : 61_000);
    }
    if (resending && e.code === 'WECHAT_40007') {
      return new ManualCheckError('WECHAT_MASS_UNCONFIRMED', '上次群发的结果未知，素材已不可用（可能已被该次群发使用），请在微信公众平台“群发记录”中人工核实');
    }
    if (e instanceof UnknownOutcomeError) return e;
    // the platform answered (refused, busy, quota) or the call never left: this send did not take effect
    if (!resending) await ctx.saveCheckpoint({ massSendAttemptedAt: null });
    const reason = MASS_REASONS[e.code];
    return reason && e instanceof PermanentError ? new PermanentError(e.code, `${reason}（${e.message}）`) : e;
  }

  /**
   * The mpnews material. Sources conflict (PLATFORM.md §1.3): the doc says uploadnews "has been updated to
   * the draft box", practitioners get 40007 for draft media_ids and staff (2025) point to uploadnews. So:
   * uploadnews with the draft's own articles and a temporary thumb; if uploadnews is refused, the draft's
   * media_id (the doc reading).
   */
  private async prepareMedia(ctx: DeliveryContext, client: WechatClient, hooks: MassHooks): Promise<void> {
    if (!ctx.checkpoint.draftMediaId) await hooks.createDraft();
    const draftId = String(ctx.checkpoint.draftMediaId);
    const draft = await client.call('draft/get', '/cgi-bin/draft/get', { json: { media_id: draftId }, effect: 'read' });
    const items: any[] = Array.isArray(draft?.news_item) ? draft.news_item : [];
    if (!items.length) throw new RetryableError('WECHAT_DRAFT_EMPTY', '读取微信草稿内容失败，稍后重试');
    try {
      const t = await hooks.thumb();
      const up = await client.call('media/upload thumb', '/cgi-bin/media/upload', {
        query: { type: 'thumb' },
        media: { buffer: t.buffer, mime: 'image/jpeg', filename: 'thumb.jpg' },
        effect: 'repeatable',
      });
      const thumbId = up?.thumb_media_id ?? up?.media_id;
      if (typeof thumbId !== 'string' || !thumbId) throw new RetryableError('WECHAT_NO_MEDIA_ID', '微信上传临时缩略图后未返回 media_id');
      const articles = items.map((a) => ({
        title: a.title,
        author: a.author ?? '',
        digest: a.digest ?? '',
        content: a.content,
        content_source_url: a.content_source_url ?? '',
        thumb_media_id: thumbId,
        show_cover_pic: 0,
        need_open_comment: a.need_open_comment ?? 0,
        only_fans_can_comment: a.only_fans_can_comment ?? 0,
      }));
      const news = await client.call('media/uploadnews', '/cgi-bin/media/uploadnews', { json: { articles }, effect: 'repeatable' });
      if (typeof news?.media_id !== 'string' || !news.media_id) throw new RetryableError('WECHAT_NO_MEDIA_ID', '微信上传图文消息素材后未返回 media_id');
      await ctx.saveCheckpoint({ massMediaId: news.media_id, massMediaSource: 'uploadnews', massMediaAt: new Date().toISOString() });
    } catch (e) {
      if (!(e instanceof PermanentError) && !(e instanceof ChannelError && e.kind === 'credentials' && e.code === 'WECHAT_48001')) throw e;
      await ctx.logAttempt({ call: 'media/uploadnews', errorCode: e.code, message: `上传图文消息素材被拒绝，改用草稿 media_id 群发：${e.message}` });
      await ctx.saveCheckpoint({ massMediaId: draftId, massMediaSource: 'draft', massMediaAt: new Date().toISOString() });
    }
  }

  async confirm(ctx: DeliveryContext, client: WechatClient): Promise<ConfirmResult> {
    const msgId = ctx.checkpoint.massMsgId ?? ctx.externalId;
    if (!msgId) throw new PermanentError('WECHAT_NO_MSG_ID', '没有可核对的群发 msg_id');
    const status = await this.status(client, String(msgId));
    return this.outcome(ctx, String(msgId), status);
  }

  /** mass/get's msg_status → the delivery's outcome. */
  async outcome(ctx: DeliveryContext, msgId: string, status: string): Promise<ConfirmResult> {
    if (status === 'SEND_SUCCESS') return { status: 'published', externalId: msgId, externalUrl: ctx.checkpoint.massArticleUrl ?? null };
    if (status === 'SENDING') return { status: 'pending' };
    if (status === 'SEND_FAIL') {
      // recorded as final: only an operator's retry brings the delivery back (reconcile → deliver, new key)
      await ctx.saveCheckpoint({ massFailedMsgId: msgId });
      throw new PermanentError(
        'WECHAT_MASS_SEND_FAIL',
        `微信群发失败（msg_id ${msgId}，状态 SEND_FAIL${ctx.checkpoint.massEventStatus ? `，${ctx.checkpoint.massEventStatus}` : ''}）；可能未通过审核或被判定为转载，请在微信公众平台“群发记录”中查看原因`,
      );
    }
    if (status === 'DELETE') throw new ManualCheckError('WECHAT_MASS_DELETED', `群发（msg_id ${msgId}）状态为“已删除”，请在微信公众平台核实是否曾经送达`);
    throw new ManualCheckError('WECHAT_MASS_STATUS', `微信返回了未知的群发状态“${status}”（msg_id ${msgId}），请人工核实`);
  }

  async status(client: WechatClient, msgId: string): Promise<string> {
    try {
      const r = await client.call('message/mass/get', '/cgi-bin/message/mass/get', { json: { msg_id: msgId }, effect: 'read' });
      return String(r?.msg_status ?? '');
    } catch (e) {
      if (e instanceof ChannelError && e.code === 'WECHAT_40059') {
        throw new ManualCheckError('WECHAT_MASS_UNKNOWN_MSG', `微信不认识群发 msg_id ${msgId}（40059），请在微信公众平台“群发记录”中人工核实`);
      }
      throw e;
    }
  }

  async reconcile(ctx: DeliveryContext, client: WechatClient): Promise<ReconcileResult> {
    const cp = ctx.checkpoint;
    if (cp.massMsgId) {
      const status = await this.status(client, String(cp.massMsgId));
      if (status === 'SEND_SUCCESS') return { found: true, status: 'published', externalId: String(cp.massMsgId), externalUrl: cp.massArticleUrl ?? null };
      // A failure already recorded (massFailedMsgId, by confirm or the event) is back here only through an
      // operator's retry: nothing went out, so deliver may send anew. Unrecorded, confirm() records it first.
      if (status === 'SEND_FAIL' && cp.massFailedMsgId === String(cp.massMsgId)) return { found: false };
      return { found: true, status: 'pending', externalId: String(cp.massMsgId) };
    }
    if (cp.massSendAttemptedAt && Date.now() - Date.parse(cp.massSendAttemptedAt) > DEDUP_WINDOW_MS) {
      throw new ManualCheckError('WECHAT_MASS_UNCONFIRMED', '群发请求的结果超过 24 小时仍无法确认，请在微信公众平台“群发记录”中人工核实');
    }
    // No lookup by clientmsgid exists; sending again with the SAME clientmsgid is the lookup: the
    // platform answers 45065 with the msg_id of the send that exists, or sends now if none does.
    return { found: false };
  }

  /** message/mass/delete of every article (article_idx 0). Recipients still see the card (api_deletemassmsg). */
  async withdraw(ctx: DeliveryContext, client: WechatClient): Promise<void> {
    const msgId = ctx.checkpoint.massMsgId ?? ctx.externalId;
    if (!msgId) throw new PermanentError('WECHAT_NO_MSG_ID', '没有群发 msg_id，无法删除群发消息');
    await client.call('message/mass/delete', '/cgi-bin/message/mass/delete', { json: { msg_id: String(msgId), article_idx: 0 }, effect: 'repeatable' });
  }

  /**
   * mass/preview to one 微信号 (towxname), with the same material a send would use; made in a scratch
   * checkpoint (nothing is recorded on any delivery). The scratch draft is deleted afterwards.
   */
  async preview(ctx: DeliveryContext, client: WechatClient, hooks: MassHooks, towxname: string): Promise<{ msgId: string | null; mediaSource: string }> {
    await this.prepareMedia(ctx, client, hooks);
    const res = await client.call('message/mass/preview', '/cgi-bin/message/mass/preview', {
      json: { towxname, mpnews: { media_id: ctx.checkpoint.massMediaId }, msgtype: 'mpnews' },
      effect: 'repeatable',
    });
    if (ctx.checkpoint.massMediaSource === 'uploadnews' && ctx.checkpoint.draftMediaId) {
      await client
        .call('draft/delete', '/cgi-bin/draft/delete', { json: { media_id: ctx.checkpoint.draftMediaId }, effect: 'repeatable' })
        .catch(() => undefined);
    }
    return { msgId: res?.msg_id != null ? String(res.msg_id) : null, mediaSource: String(ctx.checkpoint.massMediaSource) };
  }

  private pollMs(account: AdapterAccount): number {
    const n = Number(account.settings.confirmPollMs);
    return Number.isFinite(n) && n > 0 ? n : 3000;
  }
}

/** A delivery context kept in memory, for work done outside any delivery (a reviewer's preview). */
export function scratchContext(version: ItemSnapshot, account: AdapterAccount, portalUrl: string): DeliveryContext {
  let checkpoint: Record<string, any> = {};
  return {
    deliveryId: `preview-${version.itemId}`,
    attempt: 0,
    version,
    versionId: '',
    account,
    get checkpoint() {
      return checkpoint;
    },
    saveCheckpoint: async (patch) => {
      checkpoint = { ...checkpoint, ...patch };
    },
    logAttempt: async () => undefined,
    portalUrl,
    externalId: null,
    externalUrl: null,
  };
}
