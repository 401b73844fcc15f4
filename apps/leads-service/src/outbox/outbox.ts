import type { EntityManager } from '@mikro-orm/core';
import type { CloudEvent } from '#contracts';
import { traceparentOf, validTraceparent } from '#platform/tracing';
import { OutboxMessage } from './outbox-message.entity.js';

/** Entity managers (transactions) that queued events; see queuedEventsIn. */
const queuedIn = new WeakSet<object>();

/** The PostgreSQL NOTIFY channel on which a replica that found the relay busy elsewhere wakes that relay. */
export const OUTBOX_CHANNEL = 'leads_outbox';

/**
 * Queues an event in the caller's unit of work: it is written by the same flush, in the same
 * transaction, as the change it reports, and published by the relay after commit. The event and
 * the row's Kafka headers carry the trace context of the request or message that caused it; the
 * relay, which runs later with no context of its own, publishes that stored `traceparent`.
 */
export function enqueueEvent(em: EntityManager, topic: string, key: string, event: CloudEvent): OutboxMessage {
  const message = outboxMessageOf(topic, key, event);
  em.persist(message);
  queuedIn.add(em);
  return message;
}

/** The outbox row of an event, not yet queued anywhere (see enqueueEvent). */
export function outboxMessageOf(topic: string, key: string, event: CloudEvent): OutboxMessage {
  const traceparent = validTraceparent(event.traceparent) ?? traceparentOf();
  return Object.assign(new OutboxMessage(), {
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
}

/**
 * Whether events were queued through this entity manager (a transaction's fork): the relay, a
 * subscriber of transaction commits, publishes at once when such a transaction commits. No NOTIFY
 * in the writing transaction: PostgreSQL serializes the commits of notifying transactions, which
 * capped lead creation at one WAL flush per lead.
 */
export function queuedEventsIn(em: object): boolean {
  return queuedIn.has(em);
}
