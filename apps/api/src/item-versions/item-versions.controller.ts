import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { ItemVersionDetail } from '../items/item-reads.types';
import { ItemVersionsService } from './item-versions.service';

/**
 * The frozen snapshot of one version, so a reviewer can see what changed since the version that went
 * out before (the console diffs it against the item as submitted).
 */
@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemVersionsController {
  constructor(private readonly versions: ItemVersionsService) {}

  @Get(':id/versions/:versionNo')
  @ApiOperation({ summary: '某一已冻结版本的完整内容（用于审核时比对修改）' })
  async version(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('versionNo', ParseIntPipe) versionNo: number): Promise<ItemVersionDetail> {
    return this.versions.version(user, id, versionNo);
  }
}
