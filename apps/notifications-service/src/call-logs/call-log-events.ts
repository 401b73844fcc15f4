import type { EntityManager } from '@mikro-orm/postgresql';
import { type CallLogSnapshot, createCloudEvent, NotificationEventTypes, type NotificationEventData, Topics } from '#contracts';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';
import type { CallLog } from './call-log.entity.js';

/** A call log as the API and `chargesol.call.logged` show it. */
export function callLogSnapshot(log: CallLog): CallLogSnapshot {
  return {
    id: log.id,
    callerId: log.callerId,
    calleePhone: log.calleePhone,
    callType: log.callType,
    contextType: log.contextType,
    contextId: log.contextId,
    outcome: log.outcome,
    durationSeconds: log.durationSeconds ?? null,
    notes: log.notes,
    calledAt: log.calledAt.toISOString(),
  };
}

/** Queues `chargesol.call.logged` (keyed by the call log id) in the caller's unit of work. */
export function enqueueCallLogged(em: EntityManager, log: CallLog): void {
  const data: NotificationEventData<typeof NotificationEventTypes.CallLogged> = { callLog: callLogSnapshot(log) };
  const event = createCloudEvent({ source: 'notifications-service', type: NotificationEventTypes.CallLogged, subject: log.id, data });
  em.create(OutboxEvent, {
    eventId: event.id,
    topic: Topics.NotificationEvents,
    messageKey: log.id,
    type: event.type,
    payload: event as unknown as Record<string, unknown>,
  });
}
