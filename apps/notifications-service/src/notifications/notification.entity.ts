import { defineEntity, p } from '@mikro-orm/core';
import { NotificationChannels, NotificationContextTypes, NotificationStatuses } from '#contracts';
import { NotificationTemplate } from '../templates/notification-template.entity.js';

const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  indexes: [
    { properties: ['recipientId'] },
    { properties: ['status'] },
    { properties: ['contextType'] },
    { properties: ['createdAt'] },
    { properties: ['gatewayMessageId'] },
    { properties: ['contextId'] },
    // The dispatcher's claim query: queued rows that are due.
    { name: 'notification_due_index', properties: ['status', 'nextAttemptAt'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    /** A recipient directory id (users are external; customers are `cust:<E.164>`). */
    recipientId: p.string().length(100),
    channel: p.enum(NotificationChannels).columnType('varchar(20)'),
    template: () => p.manyToOne(NotificationTemplate).nullable().deleteRule('set null'),
    subject: p.string().length(255).default(''),
    body: p.text(),
    /** Email HTML part, when the template has one. */
    htmlBody: p.text().nullable(),
    contextType: p.enum(NotificationContextTypes).columnType('varchar(30)'),
    contextId: p.uuid().nullable(),
    status: p.enum(NotificationStatuses).columnType('varchar(20)').default('queued'),
    /** Where it goes: E.164 phone, email or push token, fixed when queued. */
    address: p.string().length(512).nullable(),
    provider: p.string().length(50).nullable(),
    gatewayMessageId: p.string().length(100).nullable(),
    attempts: p.integer().default(0),
    /** Due time; also the lease of a claimed row (see the dispatcher). */
    nextAttemptAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    lastErrorCode: p.string().length(50).nullable(),
    lastErrorMessage: p.text().nullable(),
    /** The event this was created for (null for ad-hoc sends). */
    eventId: p.uuid().nullable(),
    /** W3C trace context of the work that created it: the parent of its send's span. */
    traceparent: p.string().length(100).nullable(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** One message to one recipient on one channel (seeds: Notification) plus its delivery state. */
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
