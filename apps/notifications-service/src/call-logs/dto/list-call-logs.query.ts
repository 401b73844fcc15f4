import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { CallTypes, NotificationContextTypes, type CallType, type NotificationContextType } from '#contracts';
import { PageQuery } from '#platform/pagination';

/** Query of GET /api/v1/call-logs: filters and cursor pagination (newest first). */
export class ListCallLogsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CallTypes }) @IsOptional() @IsIn(CallTypes) callType?: CallType;
  @ApiPropertyOptional({ enum: NotificationContextTypes }) @IsOptional() @IsIn(NotificationContextTypes) contextType?: NotificationContextType;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() contextId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'calledAt at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'calledAt before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;


}
