import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';

export class OrderEntryDto {
  @IsUUID() entryId: string;
  @IsOptional() @IsString() @MaxLength(50) section?: string;
}

/** The articles of an issue in their new order (errata stay last, in the order they came). */
export class ReorderIssueDto {
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => OrderEntryDto) entries: OrderEntryDto[];
}
