import { randomBytes, randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import pg from 'pg';
import { LeadEventTypes, Topics } from '#contracts';
import { signDevToken } from '#platform/auth';
import { SpanKind, startTracing, traceIdOf } from '#platform/tracing';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { type RunningService, startServiceProcess } from '../../../../test/support/service-process.js';
import { InboxEvent } from '../../src/lead-events/inbox-event.entity.js';
import { Notification } from '../../src/notifications/notification.entity.js';
import { eventually, type Harness, leadEvent, leadSnapshot, produceLeadEvent, startHarness } from '../support/harness.js';

jest.setTimeout(90_000);

// Before the app starts, so that its tracing setup is this one (once per process) and spans can be read.
const spans = new InMemorySpanExporter();
startTracing('notifications-service', {}, spans);

const TRACE_ID = randomBytes(16).toString('hex');
const CALLER_SPAN_ID = randomBytes(8).toString('hex');
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;

let simulator: GatewaySimulator;
let h: Harness;
let leads: RunningService;
let db: pg.Client;
let kafka: Kafka;
const leadEvents: KafkaMessage[] = [];
let stopReader = async () => undefined as void;

beforeAll(async () => {
  simulator = await GatewaySimulator.start();
  h = await startHarness({
    consume: true,
    env: {
      TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
      TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
      TWILIO_API_BASE_URL: simulator.baseUrl,
      TWILIO_SMS_FROM: '+911140001000',
      TWILIO_WHATSAPP_FROM: '+911140003000',
      SENDGRID_API_KEY: SIMULATOR_DEFAULTS.sendgrid.apiKey,
      SENDGRID_API_BASE_URL: simulator.baseUrl,
    },
  });
  // The consumer owns its partitions once a rule-less event has been recorded.
  const warmUp = leadEvent(LeadEventTypes.Updated, leadSnapshot(), { changedFields: [] });
  await produceLeadEvent(h.producer, warmUp);
  await eventually(async () => (await h.orm.em.fork().count(InboxEvent, { eventId: warmUp.id })) === 1, 'the consumer to join its group', 80_000);

  leads = await startServiceProcess('leads-service', { LOG_LEVEL: 'info' });
  db = new pg.Client({ connectionString: process.env.LEADS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chargesol_leads' });
  await db.connect();

  kafka = new Kafka({ clientId: `trace-test-${randomUUID().slice(0, 8)}`, brokers: h.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `trace-test-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topic: Topics.LeadEvents, fromBeginning: false });
  const joined = new Promise<void>((resolve) => reader.on(reader.events.GROUP_JOIN, () => resolve()));
  await reader.run({ eachMessage: async ({ message }) => void leadEvents.push(message) });
  await joined;
  stopReader = () => reader.disconnect();
}, 150_000);

afterAll(async () => {
  await stopReader();
  await db?.end();
  await leads?.stop();
  await h?.close();
  await simulator?.close();
});

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

describe('one lead, one trace: HTTP → outbox → Kafka → consumer → provider call', () => {
  let leadId: string;

  it('continues the caller’s traceparent from POST /api/v1/leads into the outbox row and the Kafka header', async () => {
    const correlationId = `trace-test-${randomUUID()}`;
    const token = await signDevToken(h.config.AUTH_JWT_SECRET, { sub: randomUUID(), role: 'central_ops', name: 'Ops' });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(leads.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const source = await post('/api/v1/lead-sources', { name: `Trace ${randomUUID()}`, sourceType: 'portal' });
    expect(source.status).toBe(201);
    const created = await post(
      '/api/v1/leads',
      {
        oemId: randomUUID(),
        customerName: 'Asha Rao',
        customerPhone: `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        customerEmail: 'asha.rao@example.com',
        addressLine1: '12 MG Road',
        city: 'Bengaluru',
        state: 'Karnataka',
        pincode: '560001',
        sourceId: ((await source.json()) as { id: number }).id,
      },
      { traceparent: TRACEPARENT, 'x-correlation-id': correlationId },
    );
    expect(created.status).toBe(201);
    leadId = ((await created.json()) as { id: string }).id;

    const { rows } = await db.query<{ headers: Record<string, string>; payload: { traceparent?: string } }>(
      `select headers, payload from outbox_messages where aggregate_id = $1 and payload->>'type' = $2`,
      [leadId, LeadEventTypes.Created],
    );
    expect(rows).toHaveLength(1);
    expect(traceIdOf(rows[0].headers.traceparent)).toBe(TRACE_ID);
    expect(rows[0].payload.traceparent).toBe(rows[0].headers.traceparent);
    // The server span of the request is the parent of what follows, a child of the caller's span.
    expect(rows[0].headers.traceparent).not.toContain(CALLER_SPAN_ID);

    const message = await eventually(
      async () => leadEvents.find((m) => m.key?.toString() === leadId && header(m, 'ce-type') === LeadEventTypes.Created),
      'the lead.created message on leads.lead-events.v1',
    );
    expect(header(message, 'traceparent')).toBe(rows[0].headers.traceparent);

    // The request's correlation id is echoed (and rides with the trace context into its log lines).
    expect(created.headers.get('x-correlation-id')).toBe(correlationId);
  });

  it('stores the trace on the notifications the consumer creates and sends traceparent to the gateways', async () => {
    const notifications = await eventually(async () => {
      const found = await h.orm.em.fork().find(Notification, { contextId: leadId }, { orderBy: { channel: 'asc' } });
      return found.length === 3 && found.every((n) => n.status !== 'queued') ? found : null;
    }, `the three notifications of lead ${leadId}, sent`);
    expect(notifications.map((n) => [n.channel, n.status, n.provider])).toEqual([
      ['email', 'sent', 'sendgrid'],
      ['sms', 'sent', 'twilio'],
      ['whatsapp', 'sent', 'twilio'],
    ]);
    for (const notification of notifications) expect(traceIdOf(notification.traceparent)).toBe(TRACE_ID);

    const sms = notifications.find((n) => n.channel === 'sms')!;
    const smsRequest = simulator.requestsTo('twilio-message').find((r) => r.form.To === sms.address);
    expect(smsRequest).toBeDefined();
    expect(traceIdOf(smsRequest!.headers.traceparent as string)).toBe(TRACE_ID);
    const emailRequest = simulator
      .requestsTo('sendgrid')
      .find((r) => JSON.stringify(r.json).includes(notifications.find((n) => n.channel === 'email')!.id));
    expect(traceIdOf(emailRequest?.headers.traceparent as string)).toBe(TRACE_ID);
  });

  it('records the consumer and provider spans in that trace, each under its parent', async () => {
    const mine = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
    const consumer = mine.find((span) => span.kind === SpanKind.CONSUMER && span.name === `process ${Topics.LeadEvents}`);
    expect(consumer).toBeDefined();
    const sends = mine.filter((span) => span.kind === SpanKind.CLIENT);
    expect(sends.map((span) => span.name).sort()).toEqual(['send email', 'send sms', 'send whatsapp']);
    for (const send of sends) expect(send.parentSpanContext?.spanId).toBe(consumer!.spanContext().spanId);
    const sms = simulator.requestsTo('twilio-message').find((r) => traceIdOf(r.headers.traceparent as string) === TRACE_ID);
    expect(sends.map((span) => span.spanContext().spanId)).toContain((sms!.headers.traceparent as string).split('-')[2]);
  });
});
