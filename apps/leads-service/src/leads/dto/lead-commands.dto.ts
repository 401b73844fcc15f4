import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { LeadStatuses, type LeadStatus } from '#contracts';

/** Body of POST /api/v1/leads/:id/transitions. */
export class TransitionLeadDto {
  @ApiProperty({ enum: LeadStatuses })
  @IsIn(LeadStatuses)
  to!: LeadStatus;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/** Body of POST /api/v1/leads/:id/assignment. */
export class AssignLeadDto {
  @ApiProperty({ format: 'uuid', description: 'A Central Ops user id' })
  @IsUUID()
  assignedToId!: string;
}
