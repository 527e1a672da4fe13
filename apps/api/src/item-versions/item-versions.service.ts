import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { Item } from '@app/domain/entities/item.entity';
import { ItemVersion } from '@app/domain/entities/item-version.entity';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import type { ItemVersionDetail } from '../items/item-reads.types';

/** Reads one frozen version of an item, for users who may read the item. */
@Injectable()
export class ItemVersionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
  ) {}

  async version(user: AuthUser, id: string, versionNo: number): Promise<ItemVersionDetail> {
    const item = isUuid(id) ? await this.ds.getRepository(Item).findOneBy({ id }) : null;
    if (!item) throw AppError.notFound('信息', id);
    await this.scope.assertRole(user, item.organisationId, rolesFor('item.read'));
    const v = await this.ds.getRepository(ItemVersion).findOneBy({ itemId: id, versionNo });
    if (!v) throw AppError.notFound('版本', versionNo);
    return { id: v.id, versionNo: v.versionNo, createdAt: v.createdAt, createdBy: v.createdBy, snapshot: v.snapshot };
  }
}
