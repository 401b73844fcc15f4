import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { LeadStatuses, type LeadStatus } from '#contracts';
import { PageQuery } from '#platform/pagination';

/** Query of GET /api/v1/leads: filters, text search and cursor pagination. */
export class ListLeadsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LeadStatuses }) @IsOptional() @IsIn(LeadStatuses) status?: LeadStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() oemId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() assignedToId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) state?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdTo?: string;

  @ApiPropertyOptional({ description: 'Searches customer name, phone and email' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;


}
