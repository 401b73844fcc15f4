import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  assertHandled,
  assertRejected,
  brokenJson,
  hostileBody,
  hostilePathId,
  checkHostileListQueries,
  nulStringFailures,
  hostileString,
  RUNS,
  PROPERTY_TIMEOUT,
} from '../../../../test/security/hostile.js';
import { leadBody } from '../support.js';
import { LEADS_BODY_LIMIT, startHostileLeadsAppWithLead, type HostileLeadsApp } from './hostile-app.js';

/**
 * Hostile JSON against every POST/PATCH route of leads-service that takes JSON: random JSON,
 * wrong types per field, huge and unicode strings, SQL-looking text, broken JSON, wrong content
 * types and bodies over the limit. Every answer is a 4xx problem (or a 2xx when the random input
 * happened to be valid) — never a 5xx — and the service stays live after each property.
 */
describe('leads-service JSON routes under hostile input (property-based, real PostgreSQL)', () => {
  let t: HostileLeadsApp;
  let ops: string;
  let sourceId: number;
  let leadId: string;

  beforeAll(async () => ({ t, ops, sourceId, leadId } = await startHostileLeadsAppWithLead('api')), 60_000);
  afterAll(() => t?.close());
  // The service must survive each property.
  afterEach(() => t.live());

  const send = (method: 'post' | 'patch', path: string, body: unknown, headers: Record<string, string> = {}) => {
    let call = t.http()[method](path).set('authorization', `Bearer ${ops}`).set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
    return call.send(JSON.stringify(body));
  };

  const routes = () => [
    { method: 'post' as const, path: '/api/v1/lead-sources', valid: { name: 'Source', sourceType: 'api', oemId: randomUUID() } },
    { method: 'post' as const, path: '/api/v1/leads', valid: leadBody(sourceId, { oemId: randomUUID(), externalRef: 'ext-1' }) },
    { method: 'patch' as const, path: `/api/v1/leads/${leadId}`, valid: leadBody(sourceId) },
    { method: 'post' as const, path: `/api/v1/leads/${leadId}/transitions`, valid: { to: 'on_hold', reason: 'hostile' } },
    { method: 'post' as const, path: `/api/v1/leads/${leadId}/assignment`, valid: { assignedToId: randomUUID() } },
  ];

  it.each([
    ['POST /api/v1/lead-sources', 0],
    ['POST /api/v1/leads', 1],
    ['PATCH /api/v1/leads/:id', 2],
    ['POST /api/v1/leads/:id/transitions', 3],
    ['POST /api/v1/leads/:id/assignment', 4],
  ])('%s: hostile bodies and wrong types get a 4xx problem naming fields, never a 5xx', async (label, index) => {
    const route = routes()[index];
    const { valid } = route;
    // PATCH takes only the editable fields; the rest are unknown keys there, which is hostile too.
    await fc.assert(
      fc.asyncProperty(hostileBody(valid), async (body) => {
        const response = await send(route.method, route.path, body);
        assertHandled(response, `${label} ${JSON.stringify(body).slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('every JSON route: a body that is not JSON is a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), brokenJson, async (route, text) => {
        const response = await t
          .http()
          [route.method](route.path)
          .set('authorization', `Bearer ${ops}`)
          .set('content-type', 'application/json')
          .send(text);
        assertHandled(response, `${route.method} ${route.path} ${JSON.stringify(text).slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('every JSON route: a wrong content type is a 4xx problem', async () => {
    const types = ['application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'application/octet-stream', 'image/png', 'multipart/mixed; boundary=x'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), fc.constantFrom(...types), hostileString, async (route, type, text) => {
        const response = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).set('content-type', type).send(text);
        assertRejected(response, `${route.method} ${route.path} as ${type}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('every JSON route: a random path id is a 4xx problem (422 for a non-UUID, 404 for an unknown one)', async () => {
    // Up to Fastify's maxParamLength (100); longer ids are the next test.
    const id = fc.oneof(hostilePathId, fc.uuid());
    const paths = ['', '/transitions', '/assignment'];
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom(...paths), async (raw, suffix) => {
        const path = `/api/v1/leads/${encodeURIComponent(raw)}${suffix}`;
        const method = suffix ? 'post' : 'patch';
        const body = suffix === '/transitions' ? { to: 'contacted' } : suffix ? { assignedToId: randomUUID() } : { city: 'Pune' };
        const response = await send(method, path, body);
        assertRejected(response, `${method} ${path.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('GET /api/v1/leads: hostile filters, search text and cursors are a 4xx problem or a page', async () => {
    const keys = ['status', 'oemId', 'assignedToId', 'city', 'state', 'createdFrom', 'createdTo', 'q', 'limit', 'cursor'];
    await checkHostileListQueries('/api/v1/leads', keys, (url) => t.http().get(url).set('authorization', `Bearer ${ops}`));
  }, PROPERTY_TIMEOUT);

  it('every route: a NUL character in any string field (PostgreSQL text cannot hold it) is refused or cleaned, never a 5xx', async () => {
    const jsonRoutes = routes().map((route) => ({ label: `${route.method} ${route.path}`, valid: route.valid, send: (body: unknown) => send(route.method, route.path, body) }));
    expect(await nulStringFailures(jsonRoutes)).toEqual([]);
  }, 120_000);

  it('a path id longer than the router accepts is a 4xx problem+json (not Fastify\'s own JSON error)', async () => {
    const response = await send('patch', `/api/v1/leads/${'a'.repeat(101)}`, { city: 'Pune' });
    assertRejected(response, 'PATCH with a 101-character id');
  });

  it('a form-encoded body is 415 problem+json on a JSON route, even one that would be valid as JSON', async () => {
    const source = await t.http().post('/api/v1/lead-sources').set('authorization', `Bearer ${ops}`).type('form').send({ name: `Form ${randomUUID()}`, sourceType: 'api' });
    expect(source.status).toBe(415);
    expect(source.body).toMatchObject({ status: 415, title: 'Unsupported Media Type', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    const patch = await t.http().patch(`/api/v1/leads/${leadId}`).set('authorization', `Bearer ${ops}`).type('form').send({ city: 'Pune' });
    expect(patch.status).toBe(415);
    assertRejected(patch, 'PATCH as a form');
  });

  it('a JSON body that is not an object (null, an array, a number, a string) is 422 naming the body on every JSON route', async () => {
    const got: string[] = [];
    for (const route of routes()) {
      for (const body of ['null', '[]', '[{"city":"Pune"}]', '7', '"Pune"']) {
        const response = await t.http()[route.method](route.path).set('authorization', `Bearer ${ops}`).set('content-type', 'application/json').send(body);
        got.push(`${route.method} ${route.path} ${body} → ${response.status} ${JSON.stringify(response.body.errors)}`);
      }
    }
    expect(got.filter((line) => !line.endsWith('→ 422 [{"field":"body","message":"must be a JSON object"}]'))).toEqual([]);
  });

  it('POST /api/v1/leads: a hostile Idempotency-Key header is a 4xx problem or a valid create', async () => {
    const key = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 300 }), fc.constantFrom("' OR 1=1 --", 'x'.repeat(201), ' '));
    await fc.assert(
      fc.asyncProperty(key.filter((k) => !/[\r\n\0]/.test(k) && /^[\x09\x20-\x7e]*$/.test(k)), async (idempotencyKey) => {
        const response = await send('post', '/api/v1/leads', leadBody(sourceId, { oemId: randomUUID() }), {
          'idempotency-key': idempotencyKey,
        });
        assertHandled(response, `Idempotency-Key ${JSON.stringify(idempotencyKey)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('a body over the 12 MB limit is 413 problem+json on each JSON route', async () => {
    const oversized = JSON.stringify({ customerName: 'x'.repeat(LEADS_BODY_LIMIT + 1024) });
    for (const route of routes()) {
      const response = await t
        .http()
        [route.method](route.path)
        .set('authorization', `Bearer ${ops}`)
        .set('content-type', 'application/json')
        .send(oversized);
      expect(response.status).toBe(413);
      assertRejected(response, `${route.method} ${route.path} oversized`);
    }
  }, 120_000);
});
