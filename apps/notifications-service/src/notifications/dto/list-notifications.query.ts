import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import {
  NotificationChannels,
  NotificationContextTypes,
  NotificationStatuses,
  type NotificationChannel,
  type NotificationContextType,
  type NotificationStatus,
} from '#contracts';
import { PageQuery } from '#platform/pagination';

/** Query of GET /api/v1/notifications. */
export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'History of one recipient (user id or cust:<E.164>)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  recipientId?: string;

  @ApiPropertyOptional({ enum: NotificationChannels })
  @IsOptional()
  @IsIn(NotificationChannels)
  channel?: NotificationChannel;

  @ApiPropertyOptional({ enum: NotificationStatuses })
  @IsOptional()
  @IsIn(NotificationStatuses)
  status?: NotificationStatus;

  @ApiPropertyOptional({ enum: NotificationContextTypes })
  @IsOptional()
  @IsIn(NotificationContextTypes)
  contextType?: NotificationContextType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contextId?: string;
}
