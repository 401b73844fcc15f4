import type { EntityManager } from '@mikro-orm/core';
import type { CloudEvent } from '#contracts';
import { traceparentOf, validTraceparent } from '#platform/tracing';
import { OutboxMessage } from './outbox-message.entity.js';

/** The PostgreSQL NOTIFY channel that wakes the relay when a transaction with events commits. */
export const OUTBOX_CHANNEL = 'leads_outbox';

/**
 * Queues an event in the caller's unit of work: it is written by the same flush, in the same
 * transaction, as the change it reports, and published by the relay after commit. The event and
 * the row's Kafka headers carry the trace context of the request or message that caused it; the
 * relay, which runs later with no context of its own, publishes that stored `traceparent`.
 */
export function enqueueEvent(em: EntityManager, topic: string, key: string, event: CloudEvent): OutboxMessage {
  const traceparent = validTraceparent(event.traceparent) ?? traceparentOf();
  const message = Object.assign(new OutboxMessage(), {
    eventId: event.id,
    aggregateId: key,
    topic,
    messageKey: key,
    payload: (traceparent ? { ...event, traceparent } : event) as unknown as Record<string, unknown>,
    headers: {
      'content-type': 'application/cloudevents+json',
      'ce-type': event.type,
      'ce-id': event.id,
      ...(traceparent ? { traceparent } : {}),
    },
    createdAt: new Date(),
  });
  em.persist(message);
  return message;
}

/** Wakes the relay once the surrounding transaction commits (NOTIFY is delivered on commit). */
export async function notifyOutbox(em: EntityManager): Promise<void> {
  await (em as unknown as { execute(sql: string): Promise<unknown> }).execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
}
