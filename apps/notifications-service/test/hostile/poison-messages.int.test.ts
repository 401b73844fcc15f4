import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { MikroORM } from '@mikro-orm/postgresql';
import { createCloudEvent, DlqHeaders, LeadEventTypes, Topics } from '#contracts';
import {
  breakRequired,
  expectDeadLettered,
  POISON_COUNT,
  POISON_SEED,
  poisonMessages,
  poisonTag,
  samplePoison,
  sendTaggedPoison,
  testProducer,
  TopicTap,
} from '../../../../test/security/poison.js';
import { leadEvent, leadSnapshot } from '../support/harness.js';
import { startHostileNotificationsApp, type HostileNotificationsApp } from './hostile-app.js';

/** Required snapshot fields that none of breakRequired's wrong values satisfies (so not sourceId or introCallCompleted). */
const LEAD_FIELDS = ['id', 'oemId', 'customerName', 'customerPhone', 'status', 'createdAt', 'updatedAt'];

/**
 * Random and poison messages on `leads.lead-events.v1`, all on ONE key (one partition) with a good
 * lead event after them: every bad one lands in `notifications.lead-events.dlq.v1` with `x-error` and
 * `x-original-topic`, unknown types are skipped, and the good event is still handled.
 */
describe(`notifications-service lead-events consumer under poison messages (real Kafka, seed ${POISON_SEED})`, () => {
  let t: HostileNotificationsApp;
  let producer: Producer;
  let stopProducer: () => Promise<void>;
  let dlq: TopicTap;
  const poisonKey = `hostile-${randomUUID()}`;

  beforeAll(async () => {
    t = await startHostileNotificationsApp({ consumer: true });
    ({ producer, stop: stopProducer } = await testProducer(t.config.KAFKA_BROKERS));
    dlq = await TopicTap.start(t.config.KAFKA_BROKERS, Topics.NotificationLeadEventsDlq);
    // Wait until this consumer owns the partitions: a member of the group left behind by an earlier
    // suite can hold them until its session times out. A rule-less event, once handled, proves it.
    const warmUp = leadEvent(LeadEventTypes.Updated, leadSnapshot(), { changedFields: [] });
    // Same key as the poison below: the partition the test uses is the one proven to be ours.
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key: poisonKey, value: JSON.stringify(warmUp) }] });
    await handled(warmUp.id, 110_000);
  }, 150_000);

  afterAll(async () => {
    await Promise.all([dlq?.stop(), stopProducer?.()]);
    await t?.close();
  }, 60_000);

  /** True once the service recorded the event in its inbox (it was processed, not skipped or dead-lettered). */
  async function handled(eventId: string, timeoutMs = 60_000): Promise<void> {
    const orm = t.app.get(MikroORM);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await orm.em.fork().getConnection().execute('select 1 from inbox_event where event_id = ?', [eventId]);
      if (rows.length) return;
      if (Date.now() > deadline) throw new Error(`event ${eventId} was never handled`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Wrong data: the whole `lead` wrong, or one required field inside it. */
  const breakLead = fc.oneof(
    breakRequired(['lead']),
    breakRequired(LEAD_FIELDS).map((breakInner) => (data: Record<string, unknown>) => ({
      ...data,
      lead: breakInner(data.lead as Record<string, unknown>),
    })),
  );

  it(`${POISON_COUNT} random poison messages each land in ${Topics.NotificationLeadEventsDlq}, then a good event is handled`, async () => {
    const valid = () => leadEvent(LeadEventTypes.Created, leadSnapshot());
    const poison = samplePoison(poisonMessages(valid, breakLead), POISON_COUNT, POISON_SEED);
    const key = poisonKey;
    const ids = await sendTaggedPoison(producer, Topics.LeadEvents, key, poison);
    const good = valid();
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key, value: JSON.stringify(good) }] });

    await expectDeadLettered(dlq, poison, ids, Topics.LeadEvents);
    await handled(good.id);
  }, 240_000);

  it('a tombstone (null value) is dead-lettered and the partition moves on', async () => {
    const key = `hostile-${randomUUID()}`;
    const id = randomUUID();
    const good = leadEvent(LeadEventTypes.Created, leadSnapshot());
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key, value: null, headers: poisonTag(id) }] });
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key, value: JSON.stringify(good) }] });
    const dead = await dlq.tagged(id);
    expect(dead.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(Topics.LeadEvents);
    await handled(good.id);
  }, 90_000);

  it('a lead event with text PostgreSQL cannot store (NUL) is dead-lettered, and the partition moves on', async () => {
    const key = `hostile-${randomUUID()}`;
    const id = randomUUID();
    const nul = leadEvent(LeadEventTypes.Created, leadSnapshot({ customerName: 'Asha\u0000Rao', addressLine1: '12\u0000MG Road' }));
    const good = leadEvent(LeadEventTypes.Created, leadSnapshot());
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key, value: JSON.stringify(nul), headers: poisonTag(id) }] });
    await producer.send({ topic: Topics.LeadEvents, messages: [{ key, value: JSON.stringify(good) }] });
    const dead = await dlq.tagged(id);
    expect(dead.headers?.[DlqHeaders.Error]?.toString()).toBeTruthy();
    await handled(good.id);
  }, 120_000);

  it('unknown event types and unknown fields are skipped, never dead-lettered', async () => {
    const key = `hostile-${randomUUID()}`;
    // Truly unknown types only: a type of the contract that belongs on another topic is validated (and may be dead-lettered).
    const unknownTypes = ['com.example.unknown.v9', 'chargesol.lead.deleted', 'chargesol.lead.created.v2', ' '];
    const ids = unknownTypes.map(() => randomUUID());
    const markerId = randomUUID();
    const withExtra = { ...leadEvent(LeadEventTypes.Created, leadSnapshot()), extension: 'x', data: { lead: { ...leadSnapshot(), futureField: 1 }, actor: null, more: [1] } };
    await producer.send({
      topic: Topics.LeadEvents,
      messages: [
        ...unknownTypes.map((type, i) => ({
          key,
          value: JSON.stringify(createCloudEvent({ source: 'someone-else', type, subject: 'x', data: { whatever: true } })),
          headers: poisonTag(ids[i]),
        })),
        { key, value: JSON.stringify(withExtra) },
        // A known poison last: once it is dead-lettered, anything dead-lettered before it is there too.
        { key, value: '{not json', headers: poisonTag(markerId) },
      ],
    });
    await dlq.tagged(markerId);
    expect(unknownTypes.filter((_, i) => dlq.has(ids[i]))).toEqual([]);
    await handled(withExtra.id);
  }, 90_000);
});
