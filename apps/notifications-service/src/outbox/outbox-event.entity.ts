import { defineEntity, p } from '@mikro-orm/core';

const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  // The relay only ever reads unpublished rows in id order; published rows cost nothing.
  indexes: [{ name: 'outbox_event_unpublished_index', properties: ['id'], where: { publishedAt: null } }],
  properties: {
    /** Publication order. */
    id: p.bigint('number').primary().autoincrement(),
    eventId: p.uuid().unique(),
    topic: p.string().length(100),
    messageKey: p.string().length(100),
    type: p.string().length(100),
    /** The CloudEvents envelope, exactly as it will be published. */
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    publishedAt: p.datetime().nullable(),
  },
});

/** An event written in the same transaction as the change it reports; the relay publishes it. */
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
