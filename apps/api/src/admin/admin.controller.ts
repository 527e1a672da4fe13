import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { ChannelAccountView } from '@app/domain/entities/channel-account.types';
import { ChannelRegistry } from '@app/channels/channel-registry';
import {
  CreateAccountDto,
  CreateOrganisationDto,
  CreateUserDto,
  SetActiveDto,
  SetPasswordDto,
  SetRolesDto,
  UpdateAccountDto,
  UpdateOrganisationDto,
} from './admin.dto';
import { ChannelAccountsAdminService } from './channel-accounts-admin.service';
import { OrganisationsAdminService } from './organisations-admin.service';
import { UsersAdminService } from './users-admin.service';
import type { UserRow } from './user-row.types';

export { USER_ACTIVE_LOCK } from './users-admin.service';

/** Organisations, channel accounts (secrets write-only), users and roles. The rules live in the services. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class AdminController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly orgs: OrganisationsAdminService,
    private readonly accounts: ChannelAccountsAdminService,
    private readonly users: UsersAdminService,
  ) {}

  @Get('channels')
  channels() {
    return this.registry.capabilities();
  }

  @Get('organisations')
  organisations(@CurrentUser() user: AuthUser) {
    return this.orgs.list(user);
  }

  @Post('organisations')
  @ApiOperation({ summary: '新建机构（在本机构之下；顶级机构只有最上级机构的管理员可以新建）' })
  createOrganisation(@CurrentUser() user: AuthUser, @Body() dto: CreateOrganisationDto) {
    return this.orgs.create(user, dto);
  }

  @Patch('organisations/:id')
  updateOrganisation(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: UpdateOrganisationDto) {
    return this.orgs.update(user, id, dto);
  }

  @Get('channel-accounts')
  listAccounts(@CurrentUser() user: AuthUser, @Query('organisationId') organisationId?: string): Promise<ChannelAccountView[]> {
    return this.accounts.list(user, organisationId);
  }

  @Post('channel-accounts')
  createAccount(@CurrentUser() user: AuthUser, @Body() dto: CreateAccountDto): Promise<ChannelAccountView> {
    return this.accounts.create(user, dto);
  }

  @Patch('channel-accounts/:id')
  @ApiOperation({ summary: '修改渠道账号（更换接口地址的协议、主机或端口时须同时重新填写凭据）' })
  updateAccount(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: UpdateAccountDto): Promise<ChannelAccountView> {
    return this.accounts.update(user, id, dto);
  }

  @Get('users')
  listUsers(@CurrentUser() user: AuthUser): Promise<UserRow[]> {
    return this.users.list(user);
  }

  @Post('users')
  @ApiOperation({ summary: '新建用户（须指定所属单位，且在本人管理的机构范围内）' })
  createUser(@CurrentUser() user: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(user, dto);
  }

  @Put('users/:id/roles')
  @ApiOperation({ summary: '设置用户角色（仅管理员；用户的所属单位及全部角色须在本人管理的机构范围内）' })
  setRoles(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetRolesDto) {
    return this.users.setRoles(user, id, dto);
  }

  @Put('users/:id/active')
  @ApiOperation({ summary: '停用或重新启用用户（停用须填原因，已签发的登录凭证立即失效；不能停用自己或最后一个启用的管理员）' })
  setActive(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetActiveDto) {
    return this.users.setActive(user, id, dto);
  }

  @Post('users/:id/password')
  @HttpCode(204)
  @ApiOperation({ summary: '管理员为用户设置新密码（规则同新建用户；该用户已签发的登录凭证立即失效；密码不写入日志或审计）' })
  setPassword(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetPasswordDto): Promise<void> {
    return this.users.setPassword(user, id, dto);
  }
}
