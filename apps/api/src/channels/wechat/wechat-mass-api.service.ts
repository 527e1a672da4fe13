import { Injectable } from '@nestjs/common';
import type { MassQuotaReply, WechatPreviewReply } from '@app/channels/wechat/wechat-mass.types';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { Item } from '@app/domain/entities/item.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ChannelError } from '@app/channels/channel-adapter';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { WechatAdapter } from '@app/channels/wechat/wechat.adapter';
import { massQuota } from '@app/channels/wechat/wechat-mass-quota';
import { massSettings, publishModeOf } from '@app/channels/wechat/wechat-mass-settings';
import { rolesFor } from '@app/common/auth/permissions';

@Injectable()
export class WechatMassApiService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly accounts: AccountStore,
    private readonly fanout: FanoutService,
    private readonly wechat: WechatAdapter,
  ) {}

  private async wechatAccount(id: string) {
    const loaded = isUuid(id) ? await this.accounts.load(id).catch(() => null) : null;
    if (!loaded || loaded.row.channelType !== 'wechat') throw AppError.notFound('微信公众号账号', id);
    return loaded;
  }

  /**
   * Read-only, for anybody who may target the account: a role in an organisation on the account's line
   * (the account's own organisation, an ancestor or a descendant of it), as item targeting allows.
   */
  async quota(user: AuthUser, accountId: string): Promise<MassQuotaReply> {
    const { row, account } = await this.wechatAccount(accountId);
    const roots = [...new Set(user.roles.map((r) => r.organisationId))];
    const ok: unknown[] = roots.length
      ? await this.ds.query(
          `SELECT 1 FROM organisations a JOIN organisations r ON (r.path LIKE a.path || '%' OR a.path LIKE r.path || '%')
            WHERE a.id = $1 AND r.id = ANY($2::uuid[]) LIMIT 1`,
          [row.organisationId, roots],
        )
      : [];
    if (!ok.length) throw AppError.notFound('微信公众号账号', accountId);
    const q = await massQuota(this.ds, account);
    return { accountId, publishMode: publishModeOf({ channelOverrides: {} } as never, account), target: massSettings(account).target, ...q };
  }

  /** mass/preview of the item as it would be frozen now, by a reviewer of its organisation; audited. */
  async preview(user: AuthUser, itemId: string, dto: { accountId: string; towxname: string }): Promise<WechatPreviewReply> {
    const item = isUuid(itemId) ? await this.ds.getRepository(Item).findOneBy({ id: itemId }) : null;
    if (!item) throw AppError.notFound('信息', itemId);
    await this.scope.assertRole(user, item.organisationId, rolesFor('item.preview'));
    const { row, account } = await this.wechatAccount(dto.accountId);
    if (!item.targetAccountIds.includes(row.id))
      throw AppError.badRequest('NOT_A_TARGET', '该公众号不是这条信息的发布渠道', [{ field: 'accountId', reason: '不是这条信息的发布渠道' }]);
    const snapshot = await this.fanout.snapshot(this.ds.manager, item, item.currentVersionNo + 1, new Date());
    let result: { msgId: string | null; mediaSource: string };
    try {
      result = await this.wechat.massPreview(snapshot, account, dto.towxname);
    } catch (e) {
      if (e instanceof ChannelError) throw new AppError(502, e.code, `微信预览发送失败：${e.message}`);
      throw e;
    }
    await this.audit.record(this.ds.manager, {
      actorId: user.id,
      action: 'item.wechat_preview',
      entityType: 'item',
      entityId: item.id,
      itemId: item.id,
      organisationId: item.organisationId,
      details: { accountId: row.id, towxname: dto.towxname, msgId: result.msgId, mediaSource: result.mediaSource },
    });
    return { ok: true, towxname: dto.towxname, msgId: result.msgId };
  }
}
