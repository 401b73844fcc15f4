import { defineEntity, p } from '@mikro-orm/core';

/** An event waiting to be published, written in the same transaction as the change it reports. */
export class OutboxMessage {
  /** Publication order; per lead this is the order of the changes. */
  position!: string;
  /** The CloudEvent id. */
  eventId!: string;
  aggregateId!: string;
  topic!: string;
  messageKey!: string;
  payload!: Record<string, unknown>;
  headers: Record<string, string> | null = null;
  createdAt: Date = new Date();
  publishedAt: Date | null = null;
}

export const OutboxMessageSchema = defineEntity({
  class: OutboxMessage,
  tableName: 'outbox_messages',
  properties: {
    position: p.bigint('string').primary().autoincrement(),
    eventId: p.uuid().unique(),
    aggregateId: p.uuid(),
    topic: p.string().length(200),
    messageKey: p.string().length(200),
    payload: p.json<Record<string, unknown>>(),
    headers: p.json<Record<string, string>>().nullable(),
    createdAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
  },
  // The relay only ever scans unpublished rows in position order; published rows cost nothing.
  indexes: [{ name: 'outbox_messages_unpublished_index', properties: ['position'], where: { publishedAt: null } }],
});
