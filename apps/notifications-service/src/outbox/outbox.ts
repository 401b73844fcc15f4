import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createCloudEvent, NotificationEventTypes, type NotificationEventData, Topics } from '#contracts';
import type { Notification } from '../notifications/notification.entity.js';
import { OutboxEvent } from './outbox-event.entity.js';

const SOURCE = 'notifications-service';

/** Facts of a notification that its events carry. */
function facts(notification: Notification) {
  const template = notification.template;
  return {
    notificationId: notification.id,
    recipientId: notification.recipientId,
    channel: notification.channel,
    contextType: notification.contextType,
    contextId: notification.contextId ?? null,
    templateName: template && wrap(template).isInitialized() ? template.name : null,
    gatewayMessageId: notification.gatewayMessageId ?? null,
  };
}

/** The event continues the notification's own trace (its marks are written in a shared batch, not in its context). */
function enqueue(em: EntityManager, key: string, type: string, data: object, traceparent?: string | null): void {
  const event = createCloudEvent({ source: SOURCE, type, subject: key, data, traceparent: traceparent ?? undefined });
  em.create(OutboxEvent, {
    eventId: event.id,
    topic: Topics.NotificationEvents,
    messageKey: key,
    type,
    payload: event as unknown as Record<string, unknown>,
  });
}

/** Queues `chargesol.notification.sent` in the caller's unit of work (flushed with the change). */
export function enqueueNotificationSent(em: EntityManager, notification: Notification, sentAt: Date): void {
  const data: NotificationEventData<typeof NotificationEventTypes.Sent> = { ...facts(notification), sentAt: sentAt.toISOString() };
  enqueue(em, notification.id, NotificationEventTypes.Sent, data, notification.traceparent);
}

/** Queues `chargesol.notification.failed` in the caller's unit of work. */
export function enqueueNotificationFailed(em: EntityManager, notification: Notification, failedAt: Date): void {
  const data: NotificationEventData<typeof NotificationEventTypes.Failed> = {
    ...facts(notification),
    errorCode: notification.lastErrorCode ?? null,
    errorMessage: notification.lastErrorMessage ?? '',
    failedAt: failedAt.toISOString(),
  };
  enqueue(em, notification.id, NotificationEventTypes.Failed, data, notification.traceparent);
}
