import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { DELIVERY_STATES } from '@app/domain/enums/domain-enums';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import type { DeliveryList } from './delivery-row.types';
import { DeliveriesQueryService } from './deliveries-query.service';
import { MAX_PAGE } from '../http/paging';
import { rolesFor } from '@app/common/auth/permissions';

export class ListDeliveriesQuery {
  @IsOptional() @IsIn(DELIVERY_STATES as unknown as string[]) state?: string;
  @IsOptional() @IsString() channel?: string;
  @IsOptional() @IsUUID() account?: string;
  @IsOptional() @IsUUID() organisation?: string;
  @IsOptional() @IsUUID() item?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
  /** The previous answer's nextCursor (keyset paging; checked by http/keyset.ts). */
  @IsOptional() @IsString() @MaxLength(400, { message: '翻页位置无效，请回到第一页' }) cursor?: string;
}

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesQueryService,
    private readonly scope: OrgScopeService,
  ) {}

  /** Deliveries the user may see (any role in the organisation's chain), newest first. */
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query() q: ListDeliveriesQuery): Promise<DeliveryList> {
    const orgIds = await this.scope.scopeOrgIds(user, rolesFor('org.view'));
    return this.deliveries.list(orgIds, q);
  }
}
