import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { componentLogger } from '@app/common/logging/logger';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import type { AccountCheckView } from '@app/channels/account-check.types';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { rolesFor } from '@app/common/auth/permissions';

export type { AccountCheckView };

/**
 * POST /api/v1/channel-accounts/:id/check — "测试连接": asks the channel's adapter which modes the
 * account may use, with harmless reads only (ChannelAdapter.checkAccount). Admins and operators of the
 * account's organisation (or an ancestor) may run it; it changes nothing (not the account's status either).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class ChannelAccountCheckController {
  private readonly log = componentLogger('account-check');

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly scope: OrgScopeService,
  ) {}

  @Post('channel-accounts/:id/check')
  @HttpCode(200)
  @ApiOperation({ summary: '测试连接：只调用无副作用的查询接口，报告该账号可用的发布方式（凭据、IP白名单、发布与群发权限等）' })
  async check(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<AccountCheckView> {
    const loaded = isUuid(id) ? await this.accounts.load(id).catch(() => null) : null;
    if (!loaded) throw AppError.notFound('渠道账号', id);
    await this.scope.assertRole(user, loaded.row.organisationId, rolesFor('account.status'));
    const base = { accountId: id, channelType: loaded.row.channelType, checkedAt: new Date().toISOString() };
    const adapter = this.registry.has(loaded.row.channelType) ? this.registry.get(loaded.row.channelType) : null;
    if (!adapter?.checkAccount) {
      return { ...base, supported: false, ok: false, capabilities: [], problems: ['该渠道暂不支持连接测试'] };
    }
    const result = await adapter.checkAccount({ account: loaded.account });
    this.log.info({ accountId: id, ok: result.ok, failed: result.capabilities.filter((c) => c.ok === false).map((c) => c.key) }, 'account checked');
    return { ...base, supported: true, ...result };
  }
}
