import { ApiProperty } from '@nestjs/swagger';
import { CallOutcomes, CallTypes, type CallOutcome, type CallType } from '#contracts';

/** A call log as the API returns it (the same shape as `chargesol.call.logged` data.callLog). */
export class CallLogView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The user who made the call' }) callerId!: string;
  @ApiProperty({ example: '+919812345678' }) calleePhone!: string;
  @ApiProperty({ enum: CallTypes }) callType!: CallType;
  @ApiProperty() contextType!: string;
  @ApiProperty({ format: 'uuid' }) contextId!: string;
  @ApiProperty({ enum: CallOutcomes }) outcome!: CallOutcome;
  @ApiProperty({ type: Number, nullable: true }) durationSeconds!: number | null;
  @ApiProperty() notes!: string;
  @ApiProperty({ format: 'date-time' }) calledAt!: string;
}

/** A page of call logs. */
export class CallLogPage {
  @ApiProperty({ type: [CallLogView] }) items!: CallLogView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
