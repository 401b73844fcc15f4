import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  assertHandled,
  assertRejected,
  brokenJson,
  HUGE,
  hostileBody,
  hostilePathId,
  checkHostileListQueries,
  nulStringFailures,
  RUNS,
  PROPERTY_TIMEOUT,
} from '../../../../test/security/hostile.js';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { startHostileNotificationsApp, type HostileNotificationsApp } from './hostile-app.js';

const isJsonObject = (text: string) => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

/**
 * Hostile JSON against every POST/PATCH/PUT API route of notifications-service: ad-hoc sends,
 * templates, recipients and call logs. Every answer is a 4xx problem (or a 2xx when the random
 * input happened to be valid), never a 5xx, and the service stays live after each property.
 */
describe('notifications-service API routes under hostile input (property-based, real PostgreSQL)', () => {
  let t: HostileNotificationsApp;
  let ops: string;
  let templateId: number;
  let simulator: GatewaySimulator;

  beforeAll(async () => {
    // Voice configured (against the gateway simulator), so click-to-call input is really validated.
    simulator = await GatewaySimulator.start();
    t = await startHostileNotificationsApp({
      env: {
        TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
        TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
        TWILIO_SMS_FROM: '+911140001000',
        TWILIO_WHATSAPP_FROM: '+911140001000',
        TWILIO_VOICE_FROM: '+911140001000',
        TWILIO_API_BASE_URL: simulator.baseUrl,
      },
    });
    ops = await t.token('central_ops');
    const created = await t
      .http()
      .post('/api/v1/templates')
      .set('authorization', `Bearer ${ops}`)
      .send({ name: `hostile_${randomUUID().slice(0, 8)}`, channel: 'sms', bodyTemplate: 'Hello {{recipient.name}}', isActive: false });
    expect(created.status).toBeLessThan(300);
    templateId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await simulator?.close();
  });

  afterEach(async () => {
    await t.live();
  });

  type Method = 'post' | 'patch' | 'put';
  const send = (method: Method, path: string, body: unknown) =>
    t.http()[method](path).set('authorization', `Bearer ${ops}`).set('content-type', 'application/json').send(JSON.stringify(body));

  const routes = (): { label: string; method: Method; path: string; valid: Record<string, unknown> }[] => [
    {
      label: 'POST /api/v1/notifications',
      method: 'post',
      path: '/api/v1/notifications',
      valid: {
        recipient: { id: `user-${randomUUID()}`, address: '+919812345678' },
        channel: 'sms',
        subject: 'Survey',
        body: 'Your survey is tomorrow',
        templateName: 'survey_confirmation_sms',
        context: { lead: { customerName: 'Asha' } },
        contextType: 'lead',
        contextId: randomUUID(),
      },
    },
    {
      label: 'POST /api/v1/templates',
      method: 'post',
      path: '/api/v1/templates',
      valid: {
        name: `hostile_${randomUUID().slice(0, 8)}`,
        channel: 'email',
        subjectTemplate: 'Hi {{recipient.name}}',
        bodyTemplate: 'Body {{lead.city}}',
        htmlTemplate: '<p>{{lead.city}}</p>',
        isActive: false,
      },
    },
    {
      label: 'PATCH /api/v1/templates/:id',
      method: 'patch',
      path: `/api/v1/templates/${templateId}`,
      valid: { subjectTemplate: '', bodyTemplate: 'Hello {{recipient.name}}', htmlTemplate: null, isActive: false, channel: 'sms' },
    },
    {
      label: 'PUT /api/v1/recipients/:id',
      method: 'put',
      path: `/api/v1/recipients/user-${randomUUID()}`,
      valid: {
        name: 'Ravi',
        phone: '+919812345678',
        email: 'ravi@example.com',
        whatsapp: '+919812345679',
        pushToken: 'token',
        locale: 'en-IN',
        optOuts: ['sms'],
      },
    },
    {
      label: 'POST /api/v1/call-logs',
      method: 'post',
      path: '/api/v1/call-logs',
      valid: {
        calleePhone: '+919812345678',
        callType: 'survey_confirmation',
        contextType: 'lead',
        contextId: randomUUID(),
        outcome: 'no_answer',
        durationSeconds: 12,
        notes: 'hostile',
        calledAt: new Date().toISOString(),
      },
    },
    {
      label: 'POST /api/v1/calls',
      method: 'post',
      path: '/api/v1/calls',
      valid: { calleePhone: '+919812345678', callType: 'introductory', contextType: 'lead', contextId: randomUUID(), callerPhone: '+919812345670' },
    },
  ];

  it.each([
    'POST /api/v1/notifications',
    'POST /api/v1/templates',
    'PATCH /api/v1/templates/:id',
    'PUT /api/v1/recipients/:id',
    'POST /api/v1/call-logs',
    'POST /api/v1/calls',
  ])('%s: hostile bodies and wrong types get a 4xx problem naming fields, never a 5xx', async (label) => {
    const route = routes().find((candidate) => candidate.label === label)!;
    await fc.assert(
      fc.asyncProperty(hostileBody(route.valid), async (body) => {
        const response = await send(route.method, route.path, body);
        assertHandled(response, `${route.label} ${JSON.stringify(body).slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('every route: a body that is not JSON, or JSON under a wrong content type, is a 4xx problem', async () => {
    const types = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'application/octet-stream'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), fc.constantFrom(...types), brokenJson, async (route, type, text) => {
        const response = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).set('content-type', type).send(text);
        const label = `${route.label} ${type} ${JSON.stringify(text).slice(0, 200)}`;
        // Only a JSON object can be valid (a PUT of `{}` is); `null`, arrays, numbers and strings are a 422 naming the body.
        if (type === 'application/json' && isJsonObject(text)) assertHandled(response, label);
        else assertRejected(response, label);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('a form-encoded body is 415 and a JSON body that is not an object is 422 naming the body, on every route', async () => {
    const got: string[] = [];
    for (const route of routes()) {
      const form = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).type('form').send({ name: 'X' });
      got.push(`${route.label} form → ${form.status} ${form.body.code}`);
      for (const body of ['null', '[]', '7', '"X"']) {
        const response = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).set('content-type', 'application/json').send(body);
        got.push(`${route.label} ${body} → ${response.status} ${JSON.stringify(response.body.errors)}`);
      }
    }
    const expected = routes().flatMap((route) => [
      `${route.label} form → 415 FST_ERR_CTP_INVALID_MEDIA_TYPE`,
      ...['null', '[]', '7', '"X"'].map((body) => `${route.label} ${body} → 422 [{"field":"body","message":"must be a JSON object"}]`),
    ]);
    expect(got).toEqual(expected);
  });

  it('templates and recipients by id: random path ids are a 4xx problem, a template or a valid upsert', async () => {
    // Up to Fastify's maxParamLength (100); longer ids are the next test.
    const id = fc.oneof(hostilePathId, fc.integer().map(String), fc.constantFrom('99999999999999999999', '-1', '0', '1e3'));
    const calls = ['PATCH /api/v1/templates', 'GET /api/v1/templates', 'PUT /api/v1/recipients', 'GET /api/v1/recipients'] as const;
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom(...calls), async (raw, call) => {
        const [method, base] = call.split(' ') as [string, string];
        const path = `${base}/${encodeURIComponent(raw)}`;
        const response =
          method === 'GET'
            ? await t.http().get(path).set('authorization', `Bearer ${ops}`)
            : await send(method === 'PATCH' ? 'patch' : 'put', path, method === 'PATCH' ? { isActive: false } : { name: 'X' });
        assertHandled(response, `${method} ${path.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('a recipient id with a NUL character is 422 on PUT and 404 on GET (it was a 500: PostgreSQL rejects U+0000)', async () => {
    const put = await send('put', '/api/v1/recipients/user%00x', { name: 'X' });
    expect(put.status).toBe(422);
    assertRejected(put, 'PUT recipient user\\0x');
    const get = await t.http().get('/api/v1/recipients/user%00x').set('authorization', `Bearer ${ops}`);
    expect(get.status).toBe(404);
    assertRejected(get, 'GET recipient user\\0x');
  });

  it.each([
    ['/api/v1/notifications', ['recipientId', 'channel', 'status', 'contextType', 'contextId', 'limit', 'cursor']],
    ['/api/v1/call-logs', ['callType', 'contextType', 'contextId', 'from', 'to', 'limit', 'cursor']],
  ])('GET %s: hostile filters and cursors are a 4xx problem or a page', async (path, keys) => {
    await checkHostileListQueries(path, keys as string[], (url) => t.http().get(url).set('authorization', `Bearer ${ops}`));
  }, PROPERTY_TIMEOUT);

  it('every route: a NUL character in any string field (PostgreSQL text cannot hold it) is refused or cleaned, never a 5xx', async () => {
    const jsonRoutes = routes().map((route) => ({ ...route, send: (body: unknown) => send(route.method, route.path, body) }));
    expect(await nulStringFailures(jsonRoutes)).toEqual([]);
  }, 120_000);

  it('a path id longer than the router accepts is a 4xx problem+json (not Fastify\'s own JSON error)', async () => {
    const response = await send('put', `/api/v1/recipients/${'a'.repeat(101)}`, { name: 'X' });
    assertRejected(response, 'PUT recipient with a 101-character id');
  });

  it('a body over the 1 MB limit is 413 problem+json on each route', async () => {
    const oversized = JSON.stringify({ body: HUGE + HUGE });
    for (const route of routes()) {
      const response = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).set('content-type', 'application/json').send(oversized);
      expect(response.status).toBe(413);
      assertRejected(response, `${route.label} oversized`);
    }
  }, 120_000);
});
