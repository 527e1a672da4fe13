import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ItemVersion } from '@app/domain/entities/item-version.entity';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { isUuid } from '@app/common/ids/is-uuid';
import type { ItemVersionDetail } from '../items/item-reads.types';

/**
 * The frozen snapshot of one version, so a reviewer can see what changed since the version that went
 * out before (the console diffs it against the item as submitted).
 */
@ApiTags('items')
@ApiBearerAuth()
@Controller('items')
export class ItemVersionsController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
  ) {}

  @Get(':id/versions/:versionNo')
  @ApiOperation({ summary: '某一已冻结版本的完整内容（用于审核时比对修改）' })
  async version(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('versionNo', ParseIntPipe) versionNo: number): Promise<ItemVersionDetail> {
    const item = isUuid(id) ? await this.ds.getRepository(Item).findOneBy({ id }) : null;
    if (!item) throw AppError.notFound('信息', id);
    await this.scope.assertRole(user, item.organisationId, ['editor', 'reviewer', 'operator', 'statistician', 'admin']);
    const v = await this.ds.getRepository(ItemVersion).findOneBy({ itemId: id, versionNo });
    if (!v) throw AppError.notFound('版本', versionNo);
    return { id: v.id, versionNo: v.versionNo, createdAt: v.createdAt, createdBy: v.createdBy, snapshot: v.snapshot };
  }
}
