import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ConsumerGroups, createCloudEvent, DlqHeaders, LeadSubmittedType, Topics } from '#contracts';
import { POISON_ID, testProducer, TopicTap } from '../../../../test/security/poison.js';
import { createSource, leadBody, startLeadsApp, unique, type TestApp } from '../support.js';

/**
 * The largest poison the broker accepts: its dead-letter copy carries extra headers (x-error,
 * x-original-topic, partition, offset), so it may no longer fit under the broker's message size
 * limit. Even then the partition must move on — a poison that cannot be dead-lettered must not
 * be redelivered forever.
 */
describe('leads-service: a poison message as large as the broker accepts does not block its partition', () => {
  let t: TestApp;
  let producer: Producer;
  let stopProducer: () => Promise<void>;
  let dlq: TopicTap;
  let source: { id: number; name: string };

  beforeAll(async () => {
    t = await startLeadsApp({ consumer: true });
    source = await createSource(t, { oemId: randomUUID() });
    ({ producer, stop: stopProducer } = await testProducer(t.config.KAFKA_BROKERS));
    dlq = await TopicTap.start(t.config.KAFKA_BROKERS, Topics.InboundLeadsDlq);
  }, 90_000);

  /** Where the big poison sits, so that a stuck partition can be moved past it after the test. */
  let poisonAt: { partition: number; offset: string } | undefined;

  afterAll(async () => {
    await Promise.all([dlq?.stop(), stopProducer?.()]);
    await t?.close();
    // If the consumer could not get past the poison, its offset is still before it: later suites in
    // this run share the group and the broker, so move the group past it (the group is empty now).
    if (poisonAt) {
      const admin = new Kafka({ clientId: `hostile-admin-${unique()}`, brokers: t.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId: ConsumerGroups.LeadsInbound, topics: [Topics.InboundLeads] });
      const current = committed.partitions.find((p) => p.partition === poisonAt!.partition)?.offset ?? '-1';
      if (BigInt(current) <= BigInt(poisonAt.offset)) {
        const partitions = [{ partition: poisonAt.partition, offset: String(BigInt(poisonAt.offset) + 1n) }];
        await admin.setOffsets({ groupId: ConsumerGroups.LeadsInbound, topic: Topics.InboundLeads, partitions });
      }
      await admin.disconnect();
    }
  }, 60_000);

  /** The largest value (not JSON) the broker takes on `topic` with this key and one tag header, found by bisection. */
  async function largestAccepted(topic: string, key: string): Promise<number> {
    let low = 900_000;
    let high = 1_100_000;
    while (high - low > 16) {
      const size = Math.floor((low + high) / 2);
      const accepted = await producer
        .send({ topic, messages: [{ key, value: Buffer.alloc(size, 0x7a), headers: { [POISON_ID]: randomUUID() } }] })
        .then(() => true, () => false);
      if (accepted) low = size;
      else high = size;
    }
    return low;
  }

  it('the largest accepted non-JSON value on leads.inbound-leads.v1: a good submission after it is still processed', async () => {
    // Bisect on the DLQ topic (same broker limit), so the inbound consumer only ever sees the one big poison.
    const key = `hostile-big-${unique()}`;
    const size = await largestAccepted(Topics.InboundLeadsDlq, key);
    const id = randomUUID();
    const [sent] = await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: Buffer.alloc(size, 0x7a), headers: { [POISON_ID]: id } }] });
    poisonAt = { partition: sent.partition, offset: sent.baseOffset ?? '0' };
    const goodName = `After big poison ${unique()}`;
    const { sourceId: _sourceId, ...fields } = leadBody(source.id, { customerName: goodName });
    const good = createCloudEvent({ source: 'hostile-test', type: LeadSubmittedType, subject: key, data: { ...fields, sourceName: source.name, externalRef: `big-${unique()}` } });
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: JSON.stringify(good) }] });

    const ops = `Bearer ${await t.token('central_ops')}`;
    const deadline = Date.now() + 90_000;
    let created = false;
    while (!created && Date.now() < deadline) {
      const response = await t.http().get('/api/v1/leads').query({ q: goodName }).set('authorization', ops);
      created = response.body.items?.some((lead: { customerName: string }) => lead.customerName === goodName) ?? false;
      if (!created) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const deadLettered = dlq.messages.find((m) => m.headers?.[POISON_ID]?.toString() === id);
    console.info(`poison of ${size} bytes: ${deadLettered ? `dead-lettered (${deadLettered.headers?.[DlqHeaders.Error]})` : 'not in the DLQ'}; good message after it ${created ? 'processed' : 'NOT processed'}`);
    expect(created).toBe(true);
  }, 180_000);
});
