import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import request from 'supertest';
import { cloudEventSchema, NotificationEventTypes, notificationEventDataSchemas, Topics } from '#contracts';
import { MikroORM } from '@mikro-orm/postgresql';
import { startWebhookHarness, type WebhookHarness } from '../webhooks/webhook-harness.js';

const ROUTE = '/api/v1/call-logs';

describe('call logs API (real PostgreSQL + Kafka)', () => {
  let h: WebhookHarness;
  let opsToken: string;
  const opsId = randomUUID();

  beforeAll(async () => {
    h = await startWebhookHarness();
    opsToken = await h.token('central_ops', opsId);
  });
  afterAll(() => h.close());

  const http = () => request(h.app.getHttpServer());
  const valid = (overrides: Record<string, unknown> = {}) => ({
    calleePhone: '98123 45678',
    callType: 'introductory',
    contextType: 'lead',
    contextId: randomUUID(),
    outcome: 'connected',
    durationSeconds: 95,
    notes: 'Customer confirmed the address.',
    ...overrides,
  });

  it('keeps its table exactly as the entity says (no pending schema change)', async () => {
    const diff = await h.app.get(MikroORM).schema.getUpdateSchemaSQL();
    expect(diff).not.toMatch(/call_log|unmatched_receipt/);
  });

  it('documents the call-log and webhook routes in OpenAPI', async () => {
    const response = await http().get('/docs-json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([ROUTE, '/webhooks/twilio/status', '/webhooks/twilio/inbound', '/webhooks/sendgrid/events']),
    );
  });

  describe('POST', () => {
    it('central_ops records a call: caller is the token subject, phone in E.164', async () => {
      const body = valid();
      const response = await http().post(ROUTE).set('authorization', `Bearer ${opsToken}`).send(body);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        callerId: opsId,
        calleePhone: '+919812345678',
        callType: 'introductory',
        contextType: 'lead',
        contextId: body.contextId,
        outcome: 'connected',
        durationSeconds: 95,
        notes: 'Customer confirmed the address.',
        calledAt: expect.any(String),
      });
    });

    it('field_team may record calls; optional fields default', async () => {
      const fieldId = randomUUID();
      const token = await h.token('field_team', fieldId);
      const response = await http()
        .post(ROUTE)
        .set('authorization', `Bearer ${token}`)
        .send({ calleePhone: '+919812345678', callType: 'survey_confirmation', contextType: 'survey', contextId: randomUUID(), outcome: 'no_answer' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ callerId: fieldId, durationSeconds: null, notes: '' });
    });

    it.each(['oem', 'customer', 'procurement', 'finance', 'oem_reporting'])('%s gets 403 on POST and GET', async (role) => {
      const token = await h.token(role);
      expect((await http().post(ROUTE).set('authorization', `Bearer ${token}`).send(valid())).status).toBe(403);
      expect((await http().get(ROUTE).set('authorization', `Bearer ${token}`)).status).toBe(403);
    });

    it('without a token → 401', async () => {
      expect((await http().post(ROUTE).send(valid())).status).toBe(401);
    });

    it.each([
      ['callType', { callType: 'sales_pitch' }],
      ['outcome', { outcome: 'hung_up' }],
      ['contextType', { contextType: 'planet' }],
      ['contextId', { contextId: 'lead-1' }],
      ['durationSeconds', { durationSeconds: -3 }],
      ['calleePhone', { calleePhone: '12' }],
      ['calledAt', { calledAt: new Date(Date.now() + 86_400_000).toISOString() }],
      ['callerId', { callerId: randomUUID() }],
    ])('rejects a bad %s with 422 naming the field', async (field, change) => {
      const response = await http().post(ROUTE).set('authorization', `Bearer ${opsToken}`).send(valid(change));
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('publishes chargesol.call.logged on notifications.events.v1, keyed by the call log id', async () => {
      const kafka = new Kafka({ clientId: 'hw-call-logs-test', brokers: h.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
      const consumer: Consumer = kafka.consumer({ groupId: `hw-call-logs-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: Topics.NotificationEvents, fromBeginning: true });
      const seen = new Map<string, string>();
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.set(message.key?.toString() ?? '', message.value?.toString() ?? '');
        },
      });
      try {
        const body = valid({ outcome: 'connected', callType: 'introductory' });
        const response = await http().post(ROUTE).set('authorization', `Bearer ${opsToken}`).send(body).expect(201);
        const created = response.body.id as string;
        // The outbox relay publishes it; wait for it to arrive (the test's timeout bounds the wait).
        while (!seen.has(created)) await new Promise((resolve) => setTimeout(resolve, 100));

        const envelope = cloudEventSchema.parse(JSON.parse(seen.get(created)!));
        expect(envelope).toMatchObject({ type: NotificationEventTypes.CallLogged, source: 'notifications-service', subject: created });
        const data = notificationEventDataSchemas[NotificationEventTypes.CallLogged].parse(envelope.data);
        expect(data.callLog).toEqual(response.body);
      } finally {
        await consumer.disconnect();
      }
    }, 30_000);
  });

  describe('GET', () => {
    const contextId = randomUUID();
    const base = Date.parse('2026-10-01T10:00:00Z');
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

    beforeAll(async () => {
      const rows = [
        { callType: 'introductory', outcome: 'connected', calledAt: at(0) },
        { callType: 'introductory', outcome: 'no_answer', calledAt: at(10) },
        { callType: 'survey_confirmation', outcome: 'busy', calledAt: at(20) },
        { callType: 'survey_confirmation', outcome: 'voicemail', calledAt: at(30) },
        { callType: 'post_install', outcome: 'callback_requested', calledAt: at(40) },
      ];
      for (const row of rows) {
        await http().post(ROUTE).set('authorization', `Bearer ${opsToken}`).send(valid({ ...row, contextId })).expect(201);
      }
    });

    const list = (query: Record<string, string | number>) => http().get(ROUTE).set('authorization', `Bearer ${opsToken}`).query(query);

    it('filters by contextId and callType, newest first', async () => {
      const response = await list({ contextId, callType: 'survey_confirmation' });
      expect(response.status).toBe(200);
      expect(response.body.items.map((i: { outcome: string }) => i.outcome)).toEqual(['voicemail', 'busy']);
      expect(response.body.nextCursor).toBeNull();
    });

    it('filters by the calledAt range: from inclusive, to exclusive', async () => {
      const response = await list({ contextId, from: at(10), to: at(30) });
      expect(response.body.items.map((i: { calledAt: string }) => i.calledAt)).toEqual([at(20), at(10)]);
    });

    it('filters by contextType', async () => {
      const response = await list({ contextId, contextType: 'survey' });
      expect(response.body.items).toEqual([]);
      expect((await list({ contextId, contextType: 'lead' })).body.items).toHaveLength(5);
    });

    it('pages with a cursor through every log exactly once', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await list({ contextId, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(response.status).toBe(200);
        ids.push(...response.body.items.map((i: { id: string }) => i.id));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(ids).size).toBe(5);
    });

    it('field_team may list', async () => {
      const token = await h.token('field_team');
      expect((await http().get(ROUTE).query({ contextId }).set('authorization', `Bearer ${token}`)).body.items).toHaveLength(5);
    });

    it.each([
      ['callType', { callType: 'nope' }],
      ['contextId', { contextId: 'x' }],
      ['from', { from: 'yesterday' }],
      ['limit', { limit: 500 }],
      ['cursor', { cursor: 'not-a-cursor' }],
      ['from', { from: at(30), to: at(10) }],
    ])('rejects a bad %s with 422', async (field, query) => {
      const response = await list(query as Record<string, string | number>);
      expect(response.status).toBe(422);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
