import { ApiProperty } from '@nestjs/swagger';
import { NotificationChannels, NotificationContextTypes, NotificationStatuses, ReceiptStatuses } from '#contracts';

/** A gateway callback kept for a notification. */
export class ReceiptView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ReceiptStatuses }) status!: string;
  @ApiProperty({ nullable: true, type: String }) gatewayMessageId!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
  @ApiProperty() errorMessage!: string;
  @ApiProperty() receivedAt!: string;
}

/** A notification as the API shows it. */
export class NotificationView {
  @ApiProperty() id!: string;
  @ApiProperty() recipientId!: string;
  @ApiProperty({ enum: NotificationChannels }) channel!: string;
  @ApiProperty({ nullable: true, type: Number }) templateId!: number | null;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: NotificationContextTypes }) contextType!: string;
  @ApiProperty({ nullable: true, type: String }) contextId!: string | null;
  @ApiProperty({ enum: NotificationStatuses }) status!: string;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) provider!: string | null;
  @ApiProperty({ nullable: true, type: String }) gatewayMessageId!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty() nextAttemptAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastErrorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastErrorMessage!: string | null;
  @ApiProperty({ nullable: true, type: String }) eventId!: string | null;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) readAt!: string | null;
  @ApiProperty() createdAt!: string;
}

/** GET /api/v1/notifications/:id: the notification with its receipts. */
export class NotificationDetailView extends NotificationView {
  @ApiProperty({ type: [ReceiptView] }) receipts!: ReceiptView[];
}

/** One page of notifications. */
export class NotificationPage {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
