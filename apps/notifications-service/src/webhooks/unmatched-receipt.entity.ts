import { defineEntity, p } from '@mikro-orm/core';
import { ReceiptStatuses } from '#contracts';

export const ReceiptProviders = ['twilio', 'sendgrid'] as const;
export type ReceiptProvider = (typeof ReceiptProviders)[number];

const UnmatchedReceiptSchema = defineEntity({
  name: 'UnmatchedReceipt',
  tableName: 'unmatched_receipt',
  indexes: [{ properties: ['gatewayMessageId'] }, { name: 'unmatched_receipt_open_index', properties: ['reconciledAt', 'receivedAt'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    provider: p.enum(ReceiptProviders).columnType('varchar(20)'),
    /** MessageSid / CallSid / the sg_message_id prefix. */
    gatewayMessageId: p.string().length(100).nullable(),
    /** A notification id the gateway echoed back (SendGrid customArgs) that we did not find. */
    notificationRef: p.string().length(100).nullable(),
    /** The gateway's own status word (MessageStatus, CallStatus, event type). */
    gatewayStatus: p.string().length(50),
    /** The receipt status it maps to, if any. */
    status: p.enum(ReceiptStatuses).columnType('varchar(20)').nullable(),
    errorCode: p.string().length(50).nullable(),
    errorMessage: p.text().default(''),
    rawPayload: p.json<Record<string, unknown>>(),
    /** The same callback twice → one row. */
    dedupeKey: p.string().length(255).unique(),
    receivedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    /** Set when a later look-up found the notification and the receipt was applied. */
    reconciledAt: p.datetime().nullable(),
  },
});

/** A gateway callback for a message we could not match (yet): kept, never lost, for reconciliation. */
export class UnmatchedReceipt extends UnmatchedReceiptSchema.class {}
UnmatchedReceiptSchema.setClass(UnmatchedReceipt);
