import { defineEntity, p } from '@mikro-orm/core';
import { ReceiptStatuses } from '#contracts';
import { Notification } from './notification.entity.js';

const DeliveryReceiptSchema = defineEntity({
  name: 'DeliveryReceipt',
  tableName: 'delivery_receipt',
  indexes: [{ properties: ['notification'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    notification: () => p.manyToOne(Notification).deleteRule('cascade'),
    status: p.enum(ReceiptStatuses).columnType('varchar(20)'),
    gatewayMessageId: p.string().length(100).nullable(),
    errorCode: p.string().length(50).nullable(),
    errorMessage: p.text().default(''),
    /** The callback as received, for audits. */
    rawPayload: p.json<Record<string, unknown>>().nullable(),
    /** Same callback twice → same key → one receipt. */
    dedupeKey: p.string().length(255).unique(),
    receivedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});

/** A gateway's delivery callback for a notification (seeds: DeliveryReceipt). */
export class DeliveryReceipt extends DeliveryReceiptSchema.class {}
DeliveryReceiptSchema.setClass(DeliveryReceipt);
