import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { LeadSourceTypes, type LeadSourceType } from '#contracts';

/** Body of POST /api/v1/lead-sources. */
export class CreateLeadSourceDto {
  @ApiProperty({ maxLength: 100, example: 'Tata Motors Portal' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: LeadSourceTypes })
  @IsIn(LeadSourceTypes)
  sourceType!: LeadSourceType;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The OEM user this source belongs to' })
  @IsOptional()
  @IsUUID()
  oemId?: string | null;
}

/** A lead source as the API returns it. */
export class LeadSourceView {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: LeadSourceTypes }) sourceType!: LeadSourceType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) oemId!: string | null;
}
