import { LeadEventTypes } from '#contracts';
import { InboxEvent } from '../../src/lead-events/inbox-event.entity.js';
import { Notification } from '../../src/notifications/notification.entity.js';
import { eventually, type Harness, leadEvent, leadSnapshot, produceLeadEvent, startHarness } from '../support/harness.js';

/**
 * A harness that consumes lead events, started once it owns the partitions: a previous member of
 * the group (another suite or process) may hold them until its session times out. A rule-less
 * event proves it.
 */
export async function startConsumingHarness(): Promise<Harness> {
  const h = await startHarness({ consume: true });
  const warmUp = leadEvent(LeadEventTypes.Updated, leadSnapshot(), { changedFields: [] });
  await produceLeadEvent(h.producer, warmUp);
  await eventually(async () => (await h.orm.em.fork().count(InboxEvent, { eventId: warmUp.id })) === 1, 'the consumer to join its group', 110_000);
  return h;
}

/** The notifications an event created, by channel. */
export const notificationsOf = (h: Harness, eventId: string) =>
  h.orm.em.fork().find(Notification, { eventId }, { orderBy: { channel: 'asc' }, populate: ['template'] });

/** Waits until the event's notifications exist and none is still queued. */
export function settled(h: Harness, eventId: string, count: number) {
  return eventually(async () => {
    const rows = await notificationsOf(h, eventId);
    return rows.length === count && rows.every((row) => row.status !== 'queued') ? rows : null;
  }, `${count} settled notifications of event ${eventId}`);
}
