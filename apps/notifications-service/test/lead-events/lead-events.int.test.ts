import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { register } from 'prom-client';
import request from 'supertest';
import { DlqHeaders, LeadEventTypes, parseMessage, Topics } from '#contracts';
import { InboxEvent } from '../../src/lead-events/inbox-event.entity.js';
import { NotificationRule } from '../../src/rules/notification-rule.entity.js';
import { NotificationTemplate } from '../../src/templates/notification-template.entity.js';
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js';
import { Recipient } from '../../src/recipients/recipient.entity.js';
import { collectTopic, eventually, type Harness, leadEvent, leadSnapshot, produceLeadEvent } from '../support/harness.js';
import { notificationsOf as notificationsOfEvent, settled as settledNotifications, startConsumingHarness } from './lead-event-support.js';

// Joining a consumer group takes a few seconds on a fresh broker.
jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await startConsumingHarness();
}, 150_000);

afterAll(async () => {
  await h?.close();
});

/** How many batches so far held more than one event (from the batch-size histogram). */
async function eventsInSharedBatches(): Promise<number> {
  const { values } = (await register.getSingleMetric('notifications_lead_event_batch_size')!.get()) as {
    values: { metricName?: string; labels: Record<string, string | number>; value: number }[];
  };
  const count = (le: number) => values.find((v) => v.metricName?.endsWith('_bucket') && v.labels.le === le)?.value ?? 0;
  const total = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return total - count(1);
}

const notificationsOf = (eventId: string) => notificationsOfEvent(h, eventId);
const settled = (eventId: string, count: number) => settledNotifications(h, eventId, count);

describe('lead events → notifications (real PostgreSQL + Kafka)', () => {
  it('a lead.created event messages the customer by SMS, WhatsApp and email, rendered and sent through the sandbox', async () => {
    const lead = leadSnapshot({ customerName: 'Asha Rao', customerEmail: 'asha@example.com' });
    const event = leadEvent(LeadEventTypes.Created, lead);
    await produceLeadEvent(h.producer, event);

    const rows = await settled(event.id, 3);
    expect(rows.map((row) => row.channel)).toEqual(['email', 'sms', 'whatsapp']);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(row.provider).toBe('sandbox');
      expect(row.gatewayMessageId).toMatch(/^sandbox-/);
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.recipientId).toBe(`cust:${lead.customerPhone}`);
      expect(row.contextType).toBe('lead');
      expect(row.contextId).toBe(lead.id);
      expect(row.body).toMatch(/^Hi Asha\b/);
      expect(row.body).not.toContain('{{');
    }
    const [email, sms] = rows;
    expect(email.address).toBe('asha@example.com');
    expect(email.subject).toBe('We have received your EV charger request');
    expect(email.htmlBody).toContain('<strong>12 MG Road, Bengaluru 560001</strong>');
    expect(email.template?.name).toBe('lead_received_email');
    expect(sms.address).toBe(lead.customerPhone);
    expect(sms.subject).toBe('');
    expect(sms.body.length).toBeLessThanOrEqual(160);
  });

  it('publishes chargesol.notification.sent for each send through the outbox', async () => {
    const lead = leadSnapshot();
    const event = leadEvent(LeadEventTypes.Created, lead);
    const collector = await collectTopic(h.kafka, Topics.NotificationEvents);
    try {
      await produceLeadEvent(h.producer, event);
      const rows = await settled(event.id, 2);
      const ids = new Set(rows.map((row) => row.id));
      const published = await eventually(async () => {
        const mine = collector.messages
          .map((message) => parseMessage(message.value))
          .filter((parsed) => ids.has((parsed.event.data as { notificationId: string }).notificationId));
        return mine.length === 2 ? mine : null;
      }, 'two notification.sent events');
      for (const parsed of published) {
        expect(parsed.kind).toBe('known');
        expect(parsed.event.type).toBe('chargesol.notification.sent');
        expect(parsed.event.source).toBe('notifications-service');
        expect(parsed.event.data).toMatchObject({ recipientId: `cust:${lead.customerPhone}`, contextId: lead.id });
      }
      // The relay marks rows published in the transaction that sent them, so this follows shortly.
      const outbox = await eventually(async () => {
        const rows = await h.orm.em.fork().find(OutboxEvent, { messageKey: { $in: [...ids] } });
        return rows.length === 2 && rows.every((row) => row.publishedAt) ? rows : null;
      }, 'the outbox rows marked published');
      expect(outbox.map((row) => row.type)).toEqual(['chargesol.notification.sent', 'chargesol.notification.sent']);
    } finally {
      await collector.stop();
    }
  });

  it('without an email the customer gets SMS and WhatsApp only', async () => {
    const event = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerEmail: null }));
    await produceLeadEvent(h.producer, event);
    const rows = await settled(event.id, 2);
    expect(rows.map((row) => row.channel)).toEqual(['sms', 'whatsapp']);
  });

  it('the same event delivered twice creates one set of notifications', async () => {
    const lead = leadSnapshot();
    const event = leadEvent(LeadEventTypes.Created, lead);
    await produceLeadEvent(h.producer, event);
    await settled(event.id, 2);
    await produceLeadEvent(h.producer, event);
    // A later event on the same partition (same key) proves the duplicate was consumed before it.
    const marker = leadEvent(LeadEventTypes.StatusChanged, { ...lead, status: 'on_hold' }, { from: 'new', to: 'on_hold', reason: 'customer travelling' });
    await produceLeadEvent(h.producer, marker);
    await settled(marker.id, 2);
    expect(await notificationsOf(event.id)).toHaveLength(2);
    const inbox = await h.orm.em.fork().find(InboxEvent, { eventId: event.id });
    expect(inbox).toHaveLength(1);
    expect(inbox[0].notifications).toBe(2);
  });

  it('a poison message goes to the DLQ with x-error, and the next event is still processed', async () => {
    const lead = leadSnapshot();
    const poisonMarker = randomUUID();
    const collector = await collectTopic(h.kafka, Topics.NotificationLeadEventsDlq);
    try {
      const broken = { ...leadEvent(LeadEventTypes.Created, lead), marker: poisonMarker };
      delete (broken.data as { lead?: unknown }).lead;
      await produceLeadEvent(h.producer, JSON.stringify(broken), lead.id);
      const good = leadEvent(LeadEventTypes.Created, lead);
      await produceLeadEvent(h.producer, good);

      await settled(good.id, 2);
      const dead = await eventually(
        async () => collector.messages.find((message) => message.value?.toString().includes(poisonMarker)),
        'the poison message on the DLQ',
      );
      expect(dead.headers?.[DlqHeaders.Error]?.toString()).toContain('data.lead');
      expect(dead.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(Topics.LeadEvents);
      expect(dead.key?.toString()).toBe(lead.id);
    } finally {
      await collector.stop();
    }
  });

  it('unknown event types are ignored', async () => {
    const lead = leadSnapshot();
    const unknown = { ...leadEvent(LeadEventTypes.Created, lead), type: 'chargesol.lead.teleported' };
    await produceLeadEvent(h.producer, unknown);
    const next = leadEvent(LeadEventTypes.Created, lead);
    await produceLeadEvent(h.producer, next);
    await settled(next.id, 2);
    expect(await notificationsOf(unknown.id)).toHaveLength(0);
  });

  it('a survey reschedule sends the rescheduled message, not the scheduled one', async () => {
    const lead = leadSnapshot({ status: 'survey_scheduled' });
    const event = leadEvent(LeadEventTypes.StatusChanged, lead, { from: 'survey_scheduled', to: 'survey_scheduled', reason: 'rain' });
    await produceLeadEvent(h.producer, event);
    const rows = await settled(event.id, 2);
    expect(rows.map((row) => row.template?.name)).toEqual(['survey_rescheduled_sms', 'survey_rescheduled_whatsapp']);
    expect(rows.every((row) => row.contextType === 'survey')).toBe(true);
    expect(rows[1].body).toContain('Reason: rain');
  });

  it('documents_pending lists what to upload; a status with no rule sends nothing', async () => {
    const lead = leadSnapshot({ status: 'documents_pending' });
    const event = leadEvent(LeadEventTypes.StatusChanged, lead, { from: 'contacted', to: 'documents_pending' });
    await produceLeadEvent(h.producer, event);
    const rows = await settled(event.id, 2);
    expect(rows[0].body).toMatch(/electricity bill.*location.*electrician/s);

    const silent = leadEvent(LeadEventTypes.StatusChanged, { ...lead, status: 'contacted' }, { from: 'new', to: 'contacted' });
    await produceLeadEvent(h.producer, silent);
    await eventually(async () => (await h.orm.em.fork().count(InboxEvent, { eventId: silent.id })) === 1, 'inbox row');
    expect(await notificationsOf(silent.id)).toHaveLength(0);
  });

  it('lead assigned → the handler by email, from the recipient directory', async () => {
    const handlerId = randomUUID();
    const token = await h.token();
    await request(h.app.getHttpServer())
      .put(`/api/v1/recipients/${handlerId}`)
      .set('authorization', `Bearer ${token}`)
      .send({ name: 'Ravi Kumar', email: 'ravi@chargesol.in' })
      .expect(201);
    const lead = leadSnapshot({ assignedToId: handlerId });
    const event = leadEvent(LeadEventTypes.Assigned, lead, { assignedToId: handlerId, previousAssignedToId: null });
    await produceLeadEvent(h.producer, event);
    const [row] = await settled(event.id, 1);
    expect(row).toMatchObject({ recipientId: handlerId, channel: 'email', address: 'ravi@chargesol.in', status: 'sent' });
    expect(row.subject).toBe(`Lead assigned to you: ${lead.customerName}, ${lead.city}`);
    expect(row.body).toContain('Hi Ravi Kumar,');

    // A handler missing from the directory: the notification is kept, failed with the reason.
    const unknownHandler = randomUUID();
    const orphan = leadEvent(LeadEventTypes.Assigned, { ...lead, assignedToId: unknownHandler }, { assignedToId: unknownHandler, previousAssignedToId: handlerId });
    await produceLeadEvent(h.producer, orphan);
    const [failed] = await settled(orphan.id, 1);
    expect(failed).toMatchObject({ status: 'failed', lastErrorCode: 'recipient.no_address' });
  });

  it('an opt-out holds for every lead of the customer, per channel', async () => {
    const lead = leadSnapshot();
    const token = await h.token();
    await request(h.app.getHttpServer())
      .put(`/api/v1/recipients/cust:${lead.customerPhone}`)
      .set('authorization', `Bearer ${token}`)
      .send({ name: 'Asha Rao', phone: lead.customerPhone, optOuts: ['sms'] })
      .expect(201);
    const event = leadEvent(LeadEventTypes.Created, { ...lead, id: randomUUID() });
    await produceLeadEvent(h.producer, event);
    const [sms, whatsapp] = await settled(event.id, 2);
    expect(sms).toMatchObject({ channel: 'sms', status: 'failed', lastErrorCode: 'recipient.opted_out' });
    expect(whatsapp).toMatchObject({ channel: 'whatsapp', status: 'sent' });
    // The lead event refreshed the entry without clearing the opt-out.
    const entry = await request(h.app.getHttpServer())
      .get(`/api/v1/recipients/cust:${lead.customerPhone}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(entry.body.optOuts).toEqual(['sms']);
  });

  it('back from hold tells the customer the lead is active again; a cancellation from hold says cancelled', async () => {
    const lead = leadSnapshot({ status: 'survey_scheduled' });
    const resumed = leadEvent(LeadEventTypes.StatusChanged, lead, { from: 'on_hold', to: 'survey_scheduled' });
    await produceLeadEvent(h.producer, resumed);
    const rows = await settled(resumed.id, 2);
    expect(rows.map((row) => row.template?.name)).toEqual(['lead_resumed_sms', 'lead_resumed_whatsapp']);
    expect(rows[0].body).toContain('active again (site survey scheduled)');

    const cancelled = leadEvent(LeadEventTypes.StatusChanged, { ...lead, status: 'cancelled' }, { from: 'on_hold', to: 'cancelled', reason: null });
    await produceLeadEvent(h.producer, cancelled);
    expect((await settled(cancelled.id, 2)).map((row) => row.template?.name)).toEqual(['lead_cancelled_sms', 'lead_cancelled_whatsapp']);
  });

  it('a deactivated template is no longer used by its rule', async () => {
    const token = await h.token();
    const template = await h.orm.em.fork().findOneOrFail(NotificationTemplate, { name: 'installation_completed_whatsapp' });
    const patch = (isActive: boolean) =>
      request(h.app.getHttpServer()).patch(`/api/v1/templates/${template.id}`).set('authorization', `Bearer ${token}`).send({ isActive }).expect(200);
    await patch(false);
    try {
      const lead = leadSnapshot({ status: 'installation_completed' });
      const event = leadEvent(LeadEventTypes.StatusChanged, lead, { from: 'installation_scheduled', to: 'installation_completed' });
      await produceLeadEvent(h.producer, event);
      const rows = await settled(event.id, 1);
      expect(rows[0].template?.name).toBe('installation_completed_sms');
    } finally {
      await patch(true);
    }
  });

  it('a template that does not render for an event fails loudly as a failed notification, without blocking the others', async () => {
    const em = h.orm.em.fork();
    const broken = em.create(NotificationTemplate, { name: `test_broken_${randomUUID().slice(0, 8)}`, channel: 'sms', bodyTemplate: 'Hi {{lead.nickname}}' });
    const fine = em.create(NotificationTemplate, { name: `test_fine_${randomUUID().slice(0, 8)}`, channel: 'whatsapp', bodyTemplate: 'Doc {{lead.city}}' });
    const rules = [broken, fine].map((template) =>
      em.create(NotificationRule, { eventType: LeadEventTypes.DocumentUploaded, audience: 'customer', template, contextType: 'lead' }),
    );
    await em.flush();
    try {
      const lead = leadSnapshot();
      const event = leadEvent(LeadEventTypes.DocumentUploaded, lead, {
        document: { id: randomUUID(), documentType: 'electricity_bill', contentType: 'application/pdf', sizeBytes: 10, sha256: 'x' },
      });
      await produceLeadEvent(h.producer, event);
      const [sms, whatsapp] = await settled(event.id, 2);
      expect(sms).toMatchObject({ status: 'failed', lastErrorCode: 'template.render_failed' });
      expect(sms.lastErrorMessage).toContain('nickname');
      expect(whatsapp).toMatchObject({ status: 'sent', body: 'Doc Bengaluru' });
    } finally {
      await em.remove([...rules, broken, fine]).flush();
    }
  });

  it('a lead whose phone is not a number: email still goes, SMS and WhatsApp are kept as failed', async () => {
    const lead = leadSnapshot({ customerPhone: '12345', customerEmail: 'odd@example.com' });
    const event = leadEvent(LeadEventTypes.Created, lead);
    await produceLeadEvent(h.producer, event);
    const [email, sms, whatsapp] = await settled(event.id, 3);
    expect(email).toMatchObject({ status: 'sent', address: 'odd@example.com', recipientId: 'cust:12345' });
    expect(sms).toMatchObject({ status: 'failed', lastErrorCode: 'recipient.no_address' });
    expect(whatsapp).toMatchObject({ status: 'failed', lastErrorCode: 'recipient.no_address' });
  });

  it('events arriving together share transactions, yet each is handled exactly once and a failing one fails alone', async () => {
    // One send spreads these over the partitions at once, so the consumer records them in batches.
    const shared = leadSnapshot().customerPhone;
    const leads = Array.from({ length: 30 }, (_, i) =>
      leadSnapshot({
        customerName: `Batch Customer ${i}`,
        // Two leads of one customer (the same phone), each with an email.
        ...(i < 2 ? { customerPhone: shared, customerEmail: `lead${i}@example.com` } : {}),
      }),
    );
    const events = leads.map((lead) => leadEvent(LeadEventTypes.Created, lead));
    // A name no directory entry can hold (the contract sets no limit; the column does): its batch
    // fails, is redone event by event, and only this event ends in the DLQ.
    const tooLong = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerName: 'N'.repeat(300) }));
    const collector = await collectTopic(h.kafka, Topics.NotificationLeadEventsDlq);
    const batchedBefore = await eventsInSharedBatches();
    try {
      await h.producer.send({
        topic: Topics.LeadEvents,
        messages: [
          ...events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
          { key: tooLong.subject, value: JSON.stringify(tooLong) },
          // The first event again under another key (another partition): a redelivery racing the original.
          { key: randomUUID(), value: JSON.stringify(events[0]) },
        ],
      });
      for (const [i, event] of events.entries()) {
        const rows = await settled(event.id, i < 2 ? 3 : 2);
        expect(rows.every((row) => row.status === 'sent')).toBe(true);
      }
      const dead = await eventually(
        async () => collector.messages.find((message) => message.value?.toString().includes(tooLong.id)),
        'the failing event on the DLQ',
        60_000,
      );
      expect(dead.headers?.[DlqHeaders.Error]?.toString()).toMatch(/too long/);
      expect(await h.orm.em.fork().count(InboxEvent, { eventId: tooLong.id })).toBe(0);
      expect(await notificationsOf(events[0].id)).toHaveLength(3);
      const customer = await h.orm.em.fork().findOneOrFail(Recipient, { id: `cust:${shared}` });
      expect(['Batch Customer 0', 'Batch Customer 1']).toContain(customer.name);
      expect(['lead0@example.com', 'lead1@example.com']).toContain(customer.email);
      // They did share transactions: some batches held more than one event.
      expect(await eventsInSharedBatches()).toBeGreaterThan(batchedBefore);
    } finally {
      await collector.stop();
    }
  }, 120_000);
});

