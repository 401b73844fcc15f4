import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import {
  CallOutcomes,
  CallTypes,
  NotificationContextTypes,
  type CallOutcome,
  type CallType,
  type NotificationContextType,
} from '#contracts';

/** Body of POST /api/v1/call-logs; the caller is the token's subject. */
export class CreateCallLogDto {
  @ApiProperty({ example: '+919812345678', description: 'Any common spelling; stored in E.164 (default region India)' })
  @IsString()
  @MaxLength(32)
  calleePhone!: string;

  @ApiProperty({ enum: CallTypes })
  @IsIn(CallTypes)
  callType!: CallType;

  @ApiProperty({ enum: NotificationContextTypes, description: 'Related entity type' })
  @IsIn(NotificationContextTypes)
  contextType!: NotificationContextType;

  @ApiProperty({ format: 'uuid', description: 'Related entity id (e.g. the lead id)' })
  @IsUUID()
  contextId!: string;

  @ApiProperty({ enum: CallOutcomes })
  @IsIn(CallOutcomes)
  outcome!: CallOutcome;

  @ApiPropertyOptional({ minimum: 0, maximum: 86_400, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  durationSeconds?: number | null;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  notes?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the call was made; defaults to now, never in the future' })
  @IsOptional()
  @IsISO8601({ strict: true })
  calledAt?: string;
}
