import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createCloudEvent, DlqHeaders, LeadSubmittedType, NotificationEventTypes, Topics } from '#contracts';
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
import { createSource, leadBody, startLeadsApp, unique, type TestApp } from '../support.js';

/**
 * Random and poison messages on both topics leads-service consumes, all on ONE key (one
 * partition) with a good message after them: every bad one lands in its DLQ with `x-error` and
 * `x-original-topic`, unknown types are skipped, and the good message is still processed.
 */
describe(`leads-service consumers under poison messages (real Kafka, seed ${POISON_SEED})`, () => {
  let t: TestApp;
  let ops: string;
  let producer: Producer;
  let stopProducer: () => Promise<void>;
  let inboundDlq: TopicTap;
  let notificationsDlq: TopicTap;
  let source: { id: number; name: string };

  beforeAll(async () => {
    t = await startLeadsApp({ consumer: true });
    ops = `Bearer ${await t.token('central_ops')}`;
    source = await createSource(t, { oemId: randomUUID() });
    ({ producer, stop: stopProducer } = await testProducer(t.config.KAFKA_BROKERS));
    [inboundDlq, notificationsDlq] = await Promise.all([
      TopicTap.start(t.config.KAFKA_BROKERS, Topics.InboundLeadsDlq),
      TopicTap.start(t.config.KAFKA_BROKERS, Topics.LeadsNotificationEventsDlq),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([inboundDlq?.stop(), notificationsDlq?.stop(), stopProducer?.()]);
    await t?.close();
  }, 60_000);

  const submission = (externalRef = `hostile-${unique()}`, customerName = `Hostile ${unique()}`) => {
    const { sourceId: _sourceId, ...fields } = leadBody(source.id, { customerName });
    return createCloudEvent({
      source: 'hostile-test',
      type: LeadSubmittedType,
      subject: externalRef,
      data: { ...fields, sourceName: source.name, externalRef },
    });
  };

  /** Polls the API until a lead with this customer name exists. */
  async function leadNamed(name: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await t.http().get('/api/v1/leads').query({ q: name }).set('authorization', ops);
      const found = response.body.items?.find((lead: { customerName: string }) => lead.customerName === name);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`lead ${name} was never created`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it(`${Topics.InboundLeads}: ${POISON_COUNT} random poison messages each land in ${Topics.InboundLeadsDlq}, then a good one is processed`, async () => {
    const required = ['sourceName', 'externalRef', 'customerName', 'customerPhone', 'addressLine1', 'city', 'state', 'pincode'];
    const optional = ['oemId', 'customerEmail', 'addressLine2', 'latitude', 'longitude', 'chargerModel'];
    const poison = samplePoison(poisonMessages(() => submission(), breakRequired(required, optional)), POISON_COUNT, POISON_SEED);
    const key = `hostile-inbound-${unique()}`;
    const ids = await sendTaggedPoison(producer, Topics.InboundLeads, key, poison);
    const goodName = `After poison ${unique()}`;
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: JSON.stringify(submission(undefined, goodName)) }] });

    await expectDeadLettered(inboundDlq, poison, ids, Topics.InboundLeads);
    await leadNamed(goodName);
  }, 180_000);

  it(`${Topics.InboundLeads}: a tombstone (null value) is dead-lettered and the partition moves on`, async () => {
    const key = `hostile-tombstone-${unique()}`;
    const id = randomUUID();
    const goodName = `After tombstone ${unique()}`;
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: null, headers: poisonTag(id) }] });
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: JSON.stringify(submission(undefined, goodName)) }] });
    const dead = await inboundDlq.tagged(id);
    expect(dead.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(Topics.InboundLeads);
    await leadNamed(goodName);
  }, 90_000);

  it(`${Topics.InboundLeads}: a submission with text PostgreSQL cannot store (NUL) is dead-lettered, and the partition moves on`, async () => {
    const key = `hostile-nul-${unique()}`;
    const id = randomUUID();
    const goodName = `After NUL ${unique()}`;
    const nul = submission(undefined, `Asha\u0000Rao ${unique()}`);
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: JSON.stringify(nul), headers: poisonTag(id) }] });
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key, value: JSON.stringify(submission(undefined, goodName)) }] });
    const dead = await inboundDlq.tagged(id);
    expect(dead.headers?.[DlqHeaders.Error]?.toString()).toBeTruthy();
    await leadNamed(goodName);
  }, 120_000);

  it(`${Topics.InboundLeads}: an unknown event type is skipped, not dead-lettered (CONTRACT: consumers ignore unknown types)`, async () => {
    const key = `hostile-unknown-${unique()}`;
    const unknownId = randomUUID();
    const markerId = randomUUID();
    const unknown = createCloudEvent({ source: 'someone-else', type: 'com.example.something.v9', subject: 'x', data: { any: 'thing' } });
    await producer.send({
      topic: Topics.InboundLeads,
      messages: [
        { key, value: JSON.stringify(unknown), headers: poisonTag(unknownId) },
        // A known poison after it: once it is in the DLQ, anything dead-lettered before it is there too.
        { key, value: '{not json', headers: poisonTag(markerId) },
      ],
    });
    await inboundDlq.tagged(markerId);
    expect(inboundDlq.has(unknownId)).toBe(false);
  }, 90_000);

  it(`${Topics.NotificationEvents}: a message whose ce-type header names another consumer's event is skipped unread; the same bytes typed as a call log are dead-lettered`, async () => {
    const key = `hostile-typed-${unique()}`;
    const othersId = randomUUID();
    const oursId = randomUUID();
    const untypedId = randomUUID();
    await producer.send({
      topic: Topics.NotificationEvents,
      messages: [
        { key, value: '{not json', headers: { ...poisonTag(othersId), 'ce-type': NotificationEventTypes.Sent } },
        { key, value: '{not json', headers: { ...poisonTag(oursId), 'ce-type': NotificationEventTypes.CallLogged } },
        // Without the header the body decides, and a body that is not an event is dead-lettered.
        { key, value: '{not json', headers: poisonTag(untypedId) },
      ],
    });
    // The partition is read in order: once the last one is in the DLQ, the first was decided.
    await notificationsDlq.tagged(untypedId);
    expect((await notificationsDlq.tagged(oursId)).headers?.[DlqHeaders.Error]?.toString()).toBeTruthy();
    expect(notificationsDlq.has(othersId)).toBe(false);
  }, 90_000);

  it(`${Topics.NotificationEvents}: random messages never block — a connected intro call after them is still applied`, async () => {
    const lead = await t
      .http()
      .post('/api/v1/leads')
      .set('authorization', ops)
      .send(leadBody(source.id, { oemId: randomUUID() }))
      .expect(201);
    const callLog = (contextId: string) => ({
      id: randomUUID(),
      callerId: randomUUID(),
      calleePhone: '+919812345678',
      callType: 'introductory',
      contextType: 'lead',
      contextId,
      outcome: 'connected',
      durationSeconds: 60,
      notes: '',
      calledAt: new Date().toISOString(),
      createdAt: new Date().toISOString(),
    });
    const valid = () =>
      createCloudEvent({ source: 'notifications-service', type: NotificationEventTypes.CallLogged, subject: lead.body.id, data: { callLog: callLog(lead.body.id) } });
    const poison = samplePoison(poisonMessages(valid, breakRequired(['callLog'])), POISON_COUNT, POISON_SEED + 1);
    const key = lead.body.id;
    const ids = await sendTaggedPoison(producer, Topics.NotificationEvents, key, poison);
    await producer.send({ topic: Topics.NotificationEvents, messages: [{ key, value: JSON.stringify(valid()) }] });

    const deadline = Date.now() + 60_000;
    let status = 'new';
    while (status !== 'contacted' && Date.now() < deadline) {
      const response = await t.http().get(`/api/v1/leads/${lead.body.id}`).set('authorization', ops);
      status = response.body.status;
      if (status !== 'contacted') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('contacted');

    // Every poison breaks the contract, so every one must be in leads' DLQ with its reason.
    for (const [i] of poison.entries()) {
      const dead = await notificationsDlq.tagged(ids[i]);
      expect(dead.headers?.[DlqHeaders.Error]?.toString()).toBeTruthy();
      expect(dead.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(Topics.NotificationEvents);
    }
    const report = poison.map((p, i) => `${p.kind}: ${notificationsDlq.has(ids[i]) ? 'dead-lettered' : 'skipped'}`);
    console.info(`leads-service on ${Topics.NotificationEvents} (seed ${POISON_SEED + 1}):\n${[...new Set(report)].join('\n')}`);
  }, 180_000);
});
