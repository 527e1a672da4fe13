import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ROLES } from '@app/common/auth/roles';

export class CreateOrganisationDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() parentId?: string;
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9_-]{2,40}$/, { message: 'must be 2-40 letters, digits, _ or -' }) code: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiPropertyOptional({ enum: ['county', 'department', 'township'] })
  @IsOptional()
  @IsIn(['province', 'city', 'county', 'department', 'township'])
  level?: string;
  @ApiPropertyOptional({
    description: '审核级数：本机构设为该级数的审核人审核（分初审/复审/终审及其角色请用 organisations/:id/review-policy）；不填则沿用上级机构',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  reviewLevels?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) indexScheme?: string;
}

export class UpdateOrganisationDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsInt() @Min(1) @Max(5) reviewLevels?: number;
  @IsOptional() @IsString() @MaxLength(100) indexScheme?: string;
  @IsOptional() @IsObject() settings?: Record<string, unknown>;
}

export class CreateAccountDto {
  @ApiProperty() @IsUUID() organisationId: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(40) channelType: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) @Matches(/^(https?:\/\/.+)?$/, { message: 'must be an http(s) URL' }) baseUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @ApiPropertyOptional({ description: '凭据（只写，加密保存）' }) @IsOptional() @IsObject() credentials?: Record<string, unknown>;
}

export class UpdateAccountDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsString() @MaxLength(500) @Matches(/^(https?:\/\/.+)?$/, { message: 'must be an http(s) URL' }) baseUrl?: string;
  @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @IsOptional() @IsObject() credentials?: Record<string, unknown>;
  @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ description: '运维处理完账号问题后恢复为 active' }) @IsOptional() @IsIn(['active']) status?: 'active';
}

export class RoleGrantDto {
  @IsUUID() organisationId: string;
  @IsIn(ROLES as unknown as string[]) role: string;
}

export class CreateUserDto {
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9_.-]{2,40}$/, { message: 'must be 2-40 letters, digits, _ . or -' }) username: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(50) displayName: string;
  @ApiProperty() @IsString() @MinLength(8) @MaxLength(200) password: string;
  @ApiProperty({ description: '所属单位（须在本人管理的机构范围内）', format: 'uuid' }) @IsUUID() homeOrganisationId: string;
  @ApiPropertyOptional({ type: [RoleGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles?: RoleGrantDto[];
}

export class SetRolesDto {
  @ApiProperty({ type: [RoleGrantDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RoleGrantDto) roles: RoleGrantDto[];
}

export class SetActiveDto {
  @ApiProperty({ description: 'false 停用账号（已签发的登录凭证立即失效），true 重新启用' }) @IsBoolean() active: boolean;
  // Required when deactivating; checked in the controller, where `active` is known.
  @ApiPropertyOptional({ description: '停用原因（停用时必填，记入审计日志）' }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

/** The same password rules as a new user's: the validation metadata is inherited, not repeated. */
export class SetPasswordDto extends PickType(CreateUserDto, ['password'] as const) {}
