import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import {
  NotificationChannels,
  NotificationContextTypes,
  type NotificationChannel,
  type NotificationContextType,
} from '#contracts';

/** Who an ad-hoc message goes to: a directory id and, optionally, the address to use. */
export class AdHocRecipientDto {
  @ApiProperty({ maxLength: 100, description: 'User id, or cust:<E.164> for a customer' })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiPropertyOptional({ description: 'Phone (sms, whatsapp, call), email or push token; else the directory entry' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  address?: string;
}

/** Body of POST /api/v1/notifications: a template with its context, or a subject/body. */
export class SendNotificationDto {
  @ApiProperty({ type: AdHocRecipientDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AdHocRecipientDto)
  recipient!: AdHocRecipientDto;

  @ApiProperty({ enum: NotificationChannels })
  @IsIn(NotificationChannels)
  channel!: NotificationChannel;

  @ApiPropertyOptional({ description: 'An active template of the same channel' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateName?: string;

  @ApiPropertyOptional({ type: Object, description: 'Template variables (strict: each one used must be there)' })
  @IsOptional()
  @IsObject()
  context?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  body?: string;

  @ApiProperty({ enum: NotificationContextTypes, description: '`emergency` bypasses quiet hours' })
  @IsIn(NotificationContextTypes)
  contextType!: NotificationContextType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contextId?: string;
}
