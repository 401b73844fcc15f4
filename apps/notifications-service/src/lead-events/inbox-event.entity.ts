import { defineEntity, p } from '@mikro-orm/core';

const InboxEventSchema = defineEntity({
  name: 'InboxEvent',
  tableName: 'inbox_event',
  properties: {
    /** The CloudEvent id: its primary key makes a redelivered event a no-op. */
    eventId: p.uuid().primary(),
    type: p.string().length(100),
    /** How many notifications it created. */
    notifications: p.integer().default(0),
    processedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});

/** An event this service has already handled. */
export class InboxEvent extends InboxEventSchema.class {}
InboxEventSchema.setClass(InboxEvent);
