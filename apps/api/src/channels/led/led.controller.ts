import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { Public } from '@app/common/auth/roles.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import type { Role } from '@app/domain/enums/domain-enums';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { LedScreen, LedScreenService } from '@app/channels/led/led-screen.service';
import { novastarMedia } from '@app/channels/led/novastar-media';
import { toChannelError } from '@app/channels/http/channel-errors';
import { ChannelError } from '@app/channels/channel-adapter';
import type { LedFrameList, LedScreenDetail, LedScreenListRow, LedSyncReply } from './led-rows.types';

const ANY: Role[] = rolesFor('org.view');
const OPERATE: Role[] = rolesFor('delivery.operate');
const API_PREFIX = '/api/v1';

function frameNo(file: string): number {
  const m = /^(\d{1,4})\.png$/.exec(file);
  if (!m || Number(m[1]) < 1) throw AppError.notFound('画面', file);
  return Number(m[1]);
}

function sendPng(res: Response, png: Buffer | null, what: string, cache: string) {
  if (!png) throw AppError.notFound('画面', what);
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Cache-Control', cache);
  res.send(png);
}

/**
 * LED screens (政务大厅LED显示屏): their programs, entries and frames for the console and operators,
 * and the playlist pull-mode players fetch (public, with the screen's own key, ETag / 304).
 */
@ApiTags('led')
@Controller('led/screens')
export class LedController {
  constructor(
    private readonly screens: LedScreenService,
    private readonly scope: OrgScopeService,
  ) {}

  private async visible(user: AuthUser, accountId: string, roles: Role[] = ANY): Promise<LedScreen> {
    const screen = await this.screens.screen(accountId);
    await this.scope.assertRole(user, screen.account.organisationId, roles);
    return screen;
  }

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: '可见的LED屏：位置、分辨率、颜色、协议、当前节目版本、最近推送/拉取' })
  async list(@CurrentUser() user: AuthUser): Promise<LedScreenListRow[]> {
    const screens = await this.screens.listScreens(await this.scope.scopeOrgIds(user, ANY));
    return screens.map((s) => ({ ...s, framesUrl: `${API_PREFIX}/led/screens/${s.id}/frames` }));
  }

  @Get(':accountId')
  @ApiBearerAuth()
  @ApiOperation({ summary: '一块屏的当前节目（灰度节目 JSON）、在播条目和最近移除的条目' })
  async detail(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<LedScreenDetail> {
    const screen = await this.visible(user, accountId);
    const version = await this.screens.latestVersion(accountId);
    const s = screen.settings;
    return {
      id: accountId,
      name: screen.account.name,
      settings: {
        location: s.location,
        width: s.width,
        height: s.height,
        colourMode: s.colourMode,
        protocol: s.protocol,
        deviceId: s.deviceId,
        maxPages: s.maxPages,
      },
      problems: screen.problems.filter((p) => !p.field.startsWith('credentials')),
      program: version && {
        version: version.version,
        hash: version.hash,
        emergency: version.emergency,
        createdAt: version.createdAt,
        ackedAt: version.ackedAt,
        fetchedAt: version.fetchedAt,
        lastError: version.lastError,
        programs: version.programs,
        entryIds: version.entryIds,
      },
      frames: version
        ? (await this.screens.frameList(version)).map((f) => ({
            ...f,
            url: `${API_PREFIX}/led/screens/${accountId}/frames/${f.n}.png?version=${version.version}`,
          }))
        : [],
      entries: await this.screens.entries(accountId, true),
    };
  }

  @Get(':accountId/frames')
  @ApiBearerAuth()
  @ApiOperation({ summary: '当前节目的画面列表（PNG 预览，与屏幕像素一致）' })
  async frames(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<LedFrameList> {
    await this.visible(user, accountId);
    const version = await this.screens.latestVersion(accountId);
    if (!version) return { version: null, frames: [] };
    const list = await this.screens.frameList(version);
    return {
      version: version.version,
      frames: list.map((f) => ({ ...f, url: `${API_PREFIX}/led/screens/${accountId}/frames/${f.n}.png?version=${version.version}` })),
    };
  }

  @Get(':accountId/frames/:file')
  @ApiBearerAuth()
  @ApiOperation({ summary: '第 n 幅画面的 PNG（当前版本，或 ?version=）；<img> 可用 ?access_token=' })
  async frame(
    @CurrentUser() user: AuthUser,
    @Param('accountId') accountId: string,
    @Param('file') file: string,
    @Query('version') version: string | undefined,
    @Res() res: Response,
  ) {
    await this.visible(user, accountId);
    const v = version && /^\d+$/.test(version) ? Number(version) : undefined;
    sendPng(res, await this.screens.frame(accountId, frameNo(file), v), file, v ? 'private, max-age=86400' : 'no-cache');
  }

  @Get(':accountId/entries/:entryId/frames/:file')
  @ApiBearerAuth()
  @ApiOperation({ summary: '某条信息在该屏上的第 n 幅画面 PNG' })
  async entryFrame(
    @CurrentUser() user: AuthUser,
    @Param('accountId') accountId: string,
    @Param('entryId') entryId: string,
    @Param('file') file: string,
    @Res() res: Response,
  ) {
    await this.visible(user, accountId);
    const entry = (await this.screens.entries(accountId, true)).find((e) => e.id === entryId);
    if (!entry) throw AppError.notFound('LED条目', entryId);
    sendPng(res, await this.screens.entryFrame(entryId, frameNo(file)), file, 'no-cache');
  }

  @Post(':accountId/sync')
  @HttpCode(200)
  @ApiBearerAuth()
  @RequirePermission('delivery.operate')
  @ApiOperation({ summary: '立即更新该屏：移除过期条目，节目有变化则生成新版本；灰度屏重新推送完整节目' })
  async sync(@CurrentUser() user: AuthUser, @Param('accountId') accountId: string): Promise<LedSyncReply> {
    const screen = await this.visible(user, accountId, OPERATE);
    try {
      const r = await this.screens.sync(accountId, { screen, force: true });
      return { version: r.version.version, created: r.created, pushed: r.pushed, expired: r.expired, ackedAt: r.version.ackedAt };
    } catch (e) {
      const err = toChannelError(e);
      if (err instanceof ChannelError) throw AppError.unprocessable(err.code, err.message);
      throw e;
    }
  }

  // ---------------------------------------------------------------- pull-mode players (no sign-in)

  private async player(accountId: string, req: Request, protocol: 'pull' | 'novastar' = 'pull'): Promise<LedScreen> {
    const screen = await this.screens.screen(accountId).catch(() => null);
    if (!screen || screen.settings.protocol !== protocol || !screen.enabled) throw AppError.notFound('LED屏', accountId);
    const given = (req.header('x-screen-key') ?? (typeof req.query.key === 'string' ? req.query.key : undefined)) as string | undefined;
    if (!this.screens.keyMatches(screen, given)) throw new AppError(403, 'LED_PLAYER_KEY_INVALID', '播放端密钥无效');
    return screen;
  }

  @Get(':accountId/playlist')
  @Public()
  @ApiOperation({ summary: '拉取模式播放端获取节目单（X-Screen-Key 或 ?key=；支持 If-None-Match → 304）' })
  async playlist(@Param('accountId') accountId: string, @Req() req: Request, @Res() res: Response) {
    const screen = await this.player(accountId, req);
    const answer = await this.screens.playlist(screen, req.header('if-none-match'), API_PREFIX);
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (answer.status === 304) {
      res.status(304).end();
      return;
    }
    res.status(200).json(answer.body);
  }

  @Get(':accountId/playlist/frames/:file')
  @Public()
  @ApiOperation({ summary: '拉取模式播放端获取画面 PNG（?v= 版本）' })
  async playerFrame(
    @Param('accountId') accountId: string,
    @Param('file') file: string,
    @Query('v') v: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.player(accountId, req);
    const version = v && /^\d+$/.test(v) ? Number(v) : undefined;
    sendPng(res, await this.screens.frame(accountId, frameNo(file), version), file, version ? 'public, max-age=86400, immutable' : 'no-cache');
  }

  // ---------------------------------------------------------------- NovaStar players (media by URL, novastar-media.ts)

  @Get(':accountId/media/:entryId/:file')
  @Public()
  @ApiOperation({ summary: '诺瓦播放器下载画面 PNG（?key= 画面下载密钥；entryId 为 blank 时为黑屏）' })
  async novastarFrame(
    @Param('accountId') accountId: string,
    @Param('entryId') entryId: string,
    @Param('file') file: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const screen = await this.player(accountId, req, 'novastar');
    sendPng(res, await novastarMedia(this.screens, screen, entryId, frameNo(file)), file, 'no-cache');
  }

  @Get(':accountId/media/blank.png')
  @Public()
  @ApiOperation({ summary: '诺瓦播放器下载黑屏画面（无内容时）' })
  async novastarBlank(@Param('accountId') accountId: string, @Req() req: Request, @Res() res: Response) {
    const screen = await this.player(accountId, req, 'novastar');
    sendPng(res, await novastarMedia(this.screens, screen, 'blank', 1), 'blank.png', 'no-cache');
  }
}
