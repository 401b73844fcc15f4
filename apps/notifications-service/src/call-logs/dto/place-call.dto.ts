import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CallTypes, NotificationContextTypes, type CallType, type NotificationContextType } from '#contracts';

/** Body of POST /api/v1/calls: whom to call, why, and (optionally) which phone of the caller to ring. */
export class PlaceCallDto {
  @ApiProperty({ example: '+919812345678' }) @IsString() @MaxLength(32) calleePhone!: string;
  @ApiProperty({ enum: CallTypes }) @IsIn(CallTypes) callType!: CallType;
  @ApiProperty({ enum: NotificationContextTypes }) @IsIn(NotificationContextTypes) contextType!: NotificationContextType;
  @ApiProperty({ format: 'uuid' }) @IsUUID() contextId!: string;

  @ApiPropertyOptional({ description: "The caller's phone; defaults to their recipient directory entry" })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  callerPhone?: string;
}

/** A click-to-call as the API returns it. */
export class ClickToCallView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() callerId!: string;
  @ApiProperty() callerPhone!: string;
  @ApiProperty() calleePhone!: string;
  @ApiProperty({ enum: CallTypes }) callType!: string;
  @ApiProperty() contextType!: string;
  @ApiProperty({ format: 'uuid' }) contextId!: string;
  @ApiProperty({ type: String, nullable: true }) callSid!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) callLogId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
