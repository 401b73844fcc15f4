import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createCloudEvent, DlqHeaders, LeadSubmittedType, NotificationEventTypes, Topics } from '#contracts';
import { createSource, eventOf, leadBody, startLeadsApp, TopicReader, unique, type TestApp } from './support.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

let t: TestApp;
let ops: string;
let producer: Producer;
let leadEvents: TopicReader;
let inboundDlq: TopicReader;
let source: { id: number; name: string };
const sourceOem = randomUUID();

beforeAll(async () => {
  t = await startLeadsApp({ consumer: true });
  ops = `Bearer ${await t.token('central_ops')}`;
  source = await createSource(t, { oemId: sourceOem });
  producer = new Kafka({ clientId: `test-${unique()}`, brokers: t.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  [leadEvents, inboundDlq] = await Promise.all([
    TopicReader.start(t.config.KAFKA_BROKERS, Topics.LeadEvents),
    TopicReader.start(t.config.KAFKA_BROKERS, Topics.InboundLeadsDlq),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([leadEvents?.stop(), inboundDlq?.stop(), producer?.disconnect()]);
  await t?.close();
}, 60_000);

const keyed = (leadId: string) => (m: { key: Buffer | null }) => m.key?.toString() === leadId;

/** Waits (polling the API) until the lead matches; events flow asynchronously. */
async function leadEventually(id: string, match: (lead: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await t.http().get(`/api/v1/leads/${id}`).set('authorization', ops);
    if (response.status === 200 && match(response.body)) return response.body;
    if (Date.now() > deadline) throw new Error(`lead ${id} never matched: ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const callLogged = (leadId: string, overrides: Record<string, unknown> = {}) =>
  createCloudEvent({
    source: 'notifications-service',
    type: NotificationEventTypes.CallLogged,
    subject: leadId,
    data: {
      callLog: {
        id: randomUUID(),
        callerId: randomUUID(),
        calleePhone: '+919812345678',
        callType: 'introductory',
        contextType: 'lead',
        contextId: leadId,
        outcome: 'connected',
        durationSeconds: 120,
        notes: '',
        calledAt: new Date().toISOString(),
        ...overrides,
      },
    },
  });

describe('outbox → leads.lead-events.v1', () => {
  it('publishes chargesol.lead.created keyed by lead id in a CloudEvents envelope with the snapshot', async () => {
    const created = await t.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }));
    expect(created.status).toBe(201);
    const [message] = await leadEvents.waitFor(keyed(created.body.id));
    const event = eventOf(message);
    expect(event).toMatchObject({
      specversion: '1.0',
      source: 'leads-service',
      type: 'chargesol.lead.created',
      subject: created.body.id,
      datacontenttype: 'application/json',
      data: { lead: created.body },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event.time).toISOString()).toBe(event.time);
  });
});

describe('leads.inbound-leads.v1', () => {
  const submission = (externalRef: string, data: Record<string, unknown> = {}) =>
    createCloudEvent({
      source: 'tata-portal',
      type: LeadSubmittedType,
      subject: externalRef,
      data: { ...leadBody(source.id), sourceId: undefined, sourceName: source.name, externalRef, ...data },
    });

  it('creates exactly one lead for a submission, however often it is delivered', async () => {
    const externalRef = `inb-${unique()}`;
    const value = JSON.stringify(submission(externalRef));
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key: `${source.name}:${externalRef}`, value }, { key: `${source.name}:${externalRef}`, value }] });
    const [message] = await leadEvents.waitFor((m) => eventOf(m).data?.lead?.externalRef === externalRef);
    const lead = eventOf(message).data.lead;
    expect(lead).toMatchObject({ oemId: sourceOem, sourceId: source.id, status: 'new' });
    const list = await t.http().get('/api/v1/leads').query({ oemId: sourceOem, limit: 200 }).set('authorization', ops);
    expect(list.body.items.filter((l: { externalRef: string }) => l.externalRef === externalRef)).toHaveLength(1);
  });

  it('dead-letters every invalid message with x-error and x-original-topic, and keeps consuming', async () => {
    const tag = unique();
    const bad = [
      { key: `not-json-${tag}`, value: '{not json', reason: /not JSON/ },
      { key: `wrong-type-${tag}`, value: JSON.stringify({ ...submission(`x-${tag}`), type: 'chargesol.lead.created' }), reason: /unexpected type/ },
      { key: `invalid-${tag}`, value: JSON.stringify(submission(`y-${tag}`, { pincode: '12' })), reason: /pincode/ },
      { key: `bad-phone-${tag}`, value: JSON.stringify(submission(`p-${tag}`, { customerPhone: '12345' })), reason: /customerPhone/ },
      { key: `unknown-source-${tag}`, value: JSON.stringify(submission(`z-${tag}`, { sourceName: `nope-${tag}` })), reason: /unknown_source/ },
    ];
    await producer.send({ topic: Topics.InboundLeads, messages: bad.map(({ key, value }) => ({ key, value })) });
    const goodRef = `after-${tag}`;
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key: goodRef, value: JSON.stringify(submission(goodRef)) }] });

    for (const { key, value, reason } of bad) {
      const [message] = await inboundDlq.waitFor((m) => m.key?.toString() === key);
      expect(message.value?.toString()).toBe(value);
      expect(message.headers?.[DlqHeaders.Error]?.toString()).toMatch(reason);
      expect(message.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(Topics.InboundLeads);
    }
    await leadEvents.waitFor((m) => eventOf(m).data?.lead?.externalRef === goodRef);
  });

  it('skips a type the contract does not know (CONTRACT: consumers ignore unknown types)', async () => {
    const tag = unique();
    const unknown = createCloudEvent({ source: 'elsewhere', type: 'com.example.something', subject: tag, data: {} });
    const ref = `after-unknown-${tag}`;
    // Same key, same partition: once the later submission's lead exists, the unknown one was handled.
    await producer.send({
      topic: Topics.InboundLeads,
      messages: [
        { key: `unknown-${tag}`, value: JSON.stringify(unknown) },
        { key: `unknown-${tag}`, value: JSON.stringify(submission(ref)) },
      ],
    });
    await leadEvents.waitFor((m) => eventOf(m).data?.lead?.externalRef === ref);
    // The DLQ has one partition, written in consumption order: once this later bad twin is there,
    // the unknown message would be there before it had it been dead-lettered.
    await producer.send({ topic: Topics.InboundLeads, messages: [{ key: `unknown-${tag}`, value: 'not json' }] });
    await inboundDlq.waitFor((m) => m.key?.toString() === `unknown-${tag}`);
    expect(inboundDlq.messages.filter((m) => m.key?.toString() === `unknown-${tag}`).map((m) => m.value?.toString())).toEqual([
      'not json',
    ]);
  });
});

describe('chargesol.call.logged from notifications', () => {
  it('a connected intro call marks the lead contacted exactly once; replays change nothing', async () => {
    const lead = (await t.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }))).body;
    const notIntro = callLogged(lead.id, { callType: 'survey_confirmation' });
    const noAnswer = callLogged(lead.id, { outcome: 'no_answer' });
    const intro = callLogged(lead.id);
    await producer.send({
      topic: Topics.NotificationEvents,
      messages: [notIntro, noAnswer, intro, intro].map((event) => ({ key: lead.id, value: JSON.stringify(event) })),
    });
    await leadEventually(lead.id, (l) => l.status === 'contacted' && l.introCallCompleted === true);

    const events = await leadEvents.waitFor(keyed(lead.id), 3);
    expect(events.map((m) => eventOf(m).type)).toEqual([
      'chargesol.lead.created',
      'chargesol.lead.intro_call_completed',
      'chargesol.lead.status_changed',
    ]);
    expect(eventOf(events[1]).data.callLogId).toBe(intro.data.callLog.id);
    expect(eventOf(events[2]).data).toMatchObject({ from: 'new', to: 'contacted' });

    // A later replay of the same call changes nothing: history still has exactly one intro entry.
    await producer.send({ topic: Topics.NotificationEvents, messages: [{ key: lead.id, value: JSON.stringify(intro) }] });
    const marker = (await t.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }))).body;
    await producer.send({ topic: Topics.NotificationEvents, messages: [{ key: lead.id, value: JSON.stringify(callLogged(marker.id)) }] });
    await leadEventually(marker.id, (l) => l.status === 'contacted');
    const history = await t.http().get(`/api/v1/leads/${lead.id}/history`).set('authorization', ops);
    expect(history.body.filter((h: { action: string }) => h.action === 'intro_call_completed')).toHaveLength(1);
    expect(history.body.filter((h: { action: string }) => h.action === 'status_changed')).toHaveLength(1);
  });
});

describe('the whole lifecycle through the API', () => {
  const move = (id: string, to: string, reason?: string) =>
    t.http().post(`/api/v1/leads/${id}/transitions`).set('authorization', ops).send({ to, ...(reason ? { reason } : {}) });

  it('walks new → closed, refusing each rule by name with 409', async () => {
    const lead = (await t.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }))).body;
    const id = lead.id;

    const early = await move(id, 'contacted');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('lead.intro_call_required');
    expect((await move(id, 'documents_pending')).body.code).toBe('lead.no_skipping');

    await producer.send({ topic: Topics.NotificationEvents, messages: [{ key: id, value: JSON.stringify(callLogged(id)) }] });
    await leadEventually(id, (l) => l.status === 'contacted');

    expect((await move(id, 'documents_pending')).status).toBe(200);
    const noBill = await move(id, 'documents_received');
    expect(noBill.status).toBe(409);
    expect(noBill.body).toMatchObject({ code: 'lead.electricity_bill_required', status: 409 });
    expect(noBill.headers['content-type']).toMatch(/application\/problem\+json/);

    await t
      .http()
      .post(`/api/v1/leads/${id}/documents`)
      .set('authorization', ops)
      .field('documentType', 'electricity_bill')
      .attach('file', PDF, 'bill.pdf')
      .expect(201);
    expect((await move(id, 'documents_received')).status).toBe(200);

    expect((await move(id, 'survey_scheduled')).body.code).toBe('lead.assignee_required');
    const handler = randomUUID();
    const assigned = await t.http().post(`/api/v1/leads/${id}/assignment`).set('authorization', ops).send({ assignedToId: handler });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignedToId).toBe(handler);

    for (const to of ['survey_scheduled', 'survey_scheduled', 'survey_completed', 'installation_scheduled']) {
      const response = await move(id, to, to === 'survey_scheduled' ? 'customer asked for another day' : undefined);
      expect([to, response.status]).toEqual([to, 200]);
    }
    expect((await move(id, 'closed')).body.code).toBe('lead.no_skipping');
    const held = await move(id, 'on_hold', 'charger out of stock');
    expect(held.body.status).toBe('on_hold');
    expect((await move(id, 'installation_completed')).body.code).toBe('lead.resume_to_held_status');
    expect((await move(id, 'installation_scheduled')).body.status).toBe('installation_scheduled');
    for (const to of ['installation_scheduled', 'installation_completed', 'closed']) {
      expect((await move(id, to)).status).toBe(200);
    }
    const final = await move(id, 'cancelled');
    expect(final.status).toBe(409);
    expect(final.body.code).toBe('lead.closed_is_final');

    const history = (await t.http().get(`/api/v1/leads/${id}/history`).set('authorization', ops)).body as {
      action: string;
      fromStatus: string | null;
      toStatus: string | null;
      actorId: string | null;
      reason: string | null;
    }[];
    const moves = history.filter((h) => h.action === 'status_changed').map((h) => `${h.fromStatus}→${h.toStatus}`);
    expect(moves).toEqual([
      'new→contacted',
      'contacted→documents_pending',
      'documents_pending→documents_received',
      'documents_received→survey_scheduled',
      'survey_scheduled→survey_scheduled',
      'survey_scheduled→survey_completed',
      'survey_completed→installation_scheduled',
      'installation_scheduled→on_hold',
      'on_hold→installation_scheduled',
      'installation_scheduled→installation_scheduled',
      'installation_scheduled→installation_completed',
      'installation_completed→closed',
    ]);
    expect(history.find((h) => h.toStatus === 'on_hold')?.reason).toBe('charger out of stock');
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(['created', 'document_uploaded', 'assigned']));

    // Every change reached Kafka, in order, with from/to on status changes.
    const events = await leadEvents.waitFor(keyed(id), history.length);
    const statusEvents = events.map(eventOf).filter((e) => e.type === 'chargesol.lead.status_changed');
    expect(statusEvents.map((e) => `${e.data.from}→${e.data.to}`)).toEqual(moves);
    expect(statusEvents.at(-1).data.lead.status).toBe('closed');
  });

  it('cancelled is final except central_ops reopening it to new', async () => {
    const lead = (await t.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }))).body;
    expect((await move(lead.id, 'cancelled', 'customer changed their mind')).status).toBe(200);
    expect((await move(lead.id, 'contacted')).body.code).toBe('lead.cancelled_is_final');
    expect((await move(lead.id, 'new')).body.status).toBe('new');
    expect((await move(lead.id, 'bogus')).status).toBe(422);
  });
});
