import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows } from '#platform/database';
import { createCloudEvent, NotificationEventTypes, type NotificationEventData, Topics } from '#contracts';
import type { Notification } from '../notifications/notification.entity.js';
import { OutboxEvent } from './outbox-event.entity.js';

const SOURCE = 'notifications-service';

/** Facts of a notification that its events carry. */
export interface NotificationFacts {
  notificationId: string;
  recipientId: string;
  channel: Notification['channel'];
  contextType: Notification['contextType'];
  contextId: string | null;
  templateName: string | null;
  gatewayMessageId: string | null;
  /** The notification's own trace: its events continue it (they are written in shared batches). */
  traceparent: string | null;
}

/** An outbox row as it is stored: the CloudEvent and where it goes. */
export interface OutboxRecord {
  eventId: string;
  topic: string;
  messageKey: string;
  type: string;
  payload: Record<string, unknown>;
}

function factsOf(notification: Notification): NotificationFacts {
  const template = notification.template;
  return {
    notificationId: notification.id,
    recipientId: notification.recipientId,
    channel: notification.channel,
    contextType: notification.contextType,
    contextId: notification.contextId ?? null,
    templateName: template && wrap(template).isInitialized() ? template.name : null,
    gatewayMessageId: notification.gatewayMessageId ?? null,
    traceparent: notification.traceparent ?? null,
  };
}

function record({ traceparent, ...facts }: NotificationFacts, type: string, data: object): OutboxRecord {
  const event = createCloudEvent({ source: SOURCE, type, subject: facts.notificationId, data: { ...facts, ...data }, traceparent: traceparent ?? undefined });
  return {
    eventId: event.id,
    topic: Topics.NotificationEvents,
    messageKey: facts.notificationId,
    type,
    payload: event as unknown as Record<string, unknown>,
  };
}

/** `chargesol.notification.sent` of a notification. */
export function notificationSent(facts: NotificationFacts, sentAt: Date): OutboxRecord {
  const data: Omit<NotificationEventData<typeof NotificationEventTypes.Sent>, keyof NotificationFacts> = { sentAt: sentAt.toISOString() };
  return record(facts, NotificationEventTypes.Sent, data);
}

/** `chargesol.notification.failed` of a notification. */
export function notificationFailed(
  facts: NotificationFacts,
  failure: { errorCode: string | null; errorMessage: string },
  failedAt: Date,
): OutboxRecord {
  const data: Omit<NotificationEventData<typeof NotificationEventTypes.Failed>, keyof NotificationFacts> = {
    ...failure,
    failedAt: failedAt.toISOString(),
  };
  return record(facts, NotificationEventTypes.Failed, data);
}

/** Queues `chargesol.notification.failed` in the caller's unit of work (flushed with the change). */
export function enqueueNotificationFailed(em: EntityManager, notification: Notification, failedAt: Date): void {
  const event = notificationFailed(
    factsOf(notification),
    { errorCode: notification.lastErrorCode ?? null, errorMessage: notification.lastErrorMessage ?? '' },
    failedAt,
  );
  em.create(OutboxEvent, event);
}

/** An outbox row's columns, as `json_to_recordset` reads them in the set-wise statements. */
export const outboxColumns = (event: OutboxRecord) => ({
  event_id: event.eventId,
  topic: event.topic,
  message_key: event.messageKey,
  type: event.type,
  payload: event.payload,
});

/** Writes outbox rows with one statement, in the caller's transaction (the set-wise paths). */
export async function insertOutboxEvents(tx: EntityManager, events: readonly OutboxRecord[], now: Date): Promise<void> {
  if (!events.length) return;
  await queryRows(
    tx,
    `insert into outbox_event (event_id, topic, message_key, type, payload, created_at)
       select e.event_id, e.topic, e.message_key, e.type, e.payload, $1 from json_to_recordset($2::json)
         as e(event_id uuid, topic text, message_key text, type text, payload jsonb)`,
    [now, JSON.stringify(events.map(outboxColumns))],
  );
}
