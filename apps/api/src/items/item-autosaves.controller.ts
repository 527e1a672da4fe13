import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '@app/common/auth/auth-user';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { PutAutosaveDto } from './item-autosave.dto';
import type { AutosaveDetail, AutosaveRecord } from './item-autosave.types';
import { ItemAutosavesService } from './item-autosaves.service';

/** The editor's own autosaves: only ever the signed-in user's. */
@ApiTags('items')
@ApiBearerAuth()
@RequirePermission('item.edit')
@Controller('autosaves')
export class ItemAutosavesController {
  constructor(private readonly autosaves: ItemAutosavesService) {}

  @Get(':key')
  @ApiOperation({ summary: '读取本人自动保存的未保存内容（key：new 或 item-<信息ID>）' })
  get(@CurrentUser() user: AuthUser, @Param('key') key: string): Promise<AutosaveDetail> {
    return this.autosaves.get(user, key);
  }

  @Put(':key')
  @ApiOperation({ summary: '自动保存（不生成版本、不记审计、不提交）；超过 2MB 返回 413' })
  put(@CurrentUser() user: AuthUser, @Param('key') key: string, @Body() dto: PutAutosaveDto): Promise<AutosaveRecord> {
    return this.autosaves.put(user, key, dto.payload);
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({ summary: '放弃自动保存的内容' })
  remove(@CurrentUser() user: AuthUser, @Param('key') key: string): Promise<void> {
    return this.autosaves.remove(user, key);
  }
}
