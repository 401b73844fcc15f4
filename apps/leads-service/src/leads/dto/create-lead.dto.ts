import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Body of POST /api/v1/leads (and one row of a CSV import). */
export class CreateLeadDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Central Ops only; an OEM creates its own leads' })
  @IsOptional()
  @IsUUID()
  oemId?: string;

  @ApiProperty({ maxLength: 200, example: 'Asha Rao' })
  @IsString()
  @Length(1, 200)
  customerName!: string;

  @ApiProperty({ example: '+919812345678', description: 'Stored in E.164; India is the default region' })
  @IsString()
  @Length(1, 32)
  customerPhone!: string;

  @ApiPropertyOptional({ maxLength: 254, nullable: true, type: String })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string | null;

  @ApiProperty({ maxLength: 255 })
  @IsString()
  @Length(1, 255)
  addressLine1!: string;

  @ApiPropertyOptional({ maxLength: 255, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  addressLine2?: string | null;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  state!: string;

  @ApiProperty({ example: '560001', description: '6-digit Indian pincode' })
  @IsString()
  @Matches(/^[1-9][0-9]{5}$/, { message: 'pincode must be a 6-digit Indian pincode' })
  pincode!: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, nullable: true, type: Number })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, nullable: true, type: Number })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number | null;

  @ApiProperty({ description: 'LeadSource id' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  sourceId!: number;

  @ApiPropertyOptional({ maxLength: 100, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  chargerModel?: string | null;

  @ApiPropertyOptional({ maxLength: 100, description: "The upstream system's id; unique per source" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalRef?: string;
}
