import { ApiProperty } from '@nestjs/swagger';
import { LeadStatuses, type LeadSnapshot, type LeadStatus } from '#contracts';

/** A lead as the API returns it: the contract's snapshot. */
export class LeadView implements LeadSnapshot {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) oemId!: string;
  @ApiProperty() customerName!: string;
  @ApiProperty({ example: '+919812345678' }) customerPhone!: string;
  @ApiProperty({ nullable: true, type: String }) customerEmail!: string | null;
  @ApiProperty() addressLine1!: string;
  @ApiProperty() addressLine2!: string;
  @ApiProperty() city!: string;
  @ApiProperty() state!: string;
  @ApiProperty() pincode!: string;
  @ApiProperty({ nullable: true, type: Number }) latitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude!: number | null;
  @ApiProperty() sourceId!: number;
  @ApiProperty({ enum: LeadStatuses }) status!: LeadStatus;
  @ApiProperty({ nullable: true, type: String }) chargerModel!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assignedToId!: string | null;
  @ApiProperty() introCallCompleted!: boolean;
  @ApiProperty({ nullable: true, type: String }) externalRef!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** One page of leads. */
export class LeadPage {
  @ApiProperty({ type: LeadView, isArray: true }) items!: LeadView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** One entry of a lead's history. */
export class LeadHistoryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorRole!: string | null;
  @ApiProperty({ nullable: true, type: String }) fromStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus!: string | null;
  @ApiProperty({ nullable: true, type: Object }) changes!: Record<string, { from: unknown; to: unknown }> | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}
