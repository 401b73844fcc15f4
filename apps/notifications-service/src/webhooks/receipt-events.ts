import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createCloudEvent, NotificationEventTypes, type NotificationEventData, Topics } from '#contracts';
import type { Notification } from '../notifications/notification.entity.js';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';

/** Queues `chargesol.notification.delivered` (keyed by the notification id) in the caller's unit of work. */
export function enqueueNotificationDelivered(em: EntityManager, notification: Notification, deliveredAt: Date): void {
  const template = notification.template;
  const data: NotificationEventData<typeof NotificationEventTypes.Delivered> = {
    notificationId: notification.id,
    recipientId: notification.recipientId,
    channel: notification.channel,
    contextType: notification.contextType,
    contextId: notification.contextId ?? null,
    templateName: template && wrap(template).isInitialized() ? template.name : null,
    gatewayMessageId: notification.gatewayMessageId ?? null,
    deliveredAt: deliveredAt.toISOString(),
  };
  const event = createCloudEvent({
    source: 'notifications-service',
    type: NotificationEventTypes.Delivered,
    subject: notification.id,
    data,
  });
  em.create(OutboxEvent, {
    eventId: event.id,
    topic: Topics.NotificationEvents,
    messageKey: notification.id,
    type: event.type,
    payload: event as unknown as Record<string, unknown>,
  });
}
