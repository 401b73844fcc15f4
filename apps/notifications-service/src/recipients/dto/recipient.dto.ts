import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { NotificationChannels, type NotificationChannel } from '#contracts';

/** Body of PUT /api/v1/recipients/:id: the whole entry (absent contact points are cleared). */
export class PutRecipientDto {
  @ApiPropertyOptional({ maxLength: 200, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: '+919812345678', description: 'Stored in E.164 (default region India)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 254 })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'WhatsApp number when it differs from phone; E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  whatsapp?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  pushToken?: string | null;

  @ApiPropertyOptional({ default: 'en-IN', maxLength: 10 })
  @IsOptional()
  @IsString()
  @Length(2, 10)
  locale?: string;

  @ApiPropertyOptional({ enum: NotificationChannels, isArray: true, description: 'Channels the person opted out of' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(NotificationChannels, { each: true })
  optOuts?: NotificationChannel[];
}

/** A directory entry as the API shows it. */
export class RecipientView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['customer', 'user'] }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) whatsapp!: string | null;
  @ApiProperty({ nullable: true, type: String }) pushToken!: string | null;
  @ApiProperty() locale!: string;
  @ApiProperty({ enum: NotificationChannels, isArray: true }) optOuts!: NotificationChannel[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
