import { randomUUID } from 'node:crypto';
import {
  Callers,
  callerTokens,
  expectMatrixCoversDocumentedRoutes,
  forgedTokenFailures,
  forgedTokens,
  matrixOutcomes,
  type Caller,
  type RouteExpectation,
} from '../../../../test/security/authorization.js';
import { startHostileNotificationsApp, type HostileNotificationsApp } from './hostile-app.js';

const opsOnly = (status: number) => ({ central_ops: status });

/**
 * Every role of CONTRACT.md × every /api/v1 route of notifications-service, the route list read
 * from the live /docs-json so that a new route without a row here fails the test. Central Ops
 * manage everything, field_team may log calls (and read them), every other role gets 403. Forged
 * and expired tokens are 401 everywhere; the signed webhooks need no JWT but refuse unsigned posts.
 */
describe('notifications-service authorization matrix (roles × routes from /docs-json)', () => {
  let t: HostileNotificationsApp;
  let tokens: Record<Caller, string>;

  beforeAll(async () => {
    t = await startHostileNotificationsApp();
    tokens = await callerTokens(t.token);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** The table. Callers not listed get 403. Empty or wrong bodies: a 422 proves the guard let the caller through. */
  const matrix = (): Record<string, RouteExpectation> => ({
    'GET /api/v1/notifications': { call: (r) => r('get', '/api/v1/notifications'), allowed: opsOnly(200) },
    'POST /api/v1/notifications': { call: (r) => r('post', '/api/v1/notifications').send({}), allowed: opsOnly(422) },
    'GET /api/v1/notifications/{id}': { call: (r) => r('get', `/api/v1/notifications/${randomUUID()}`), allowed: opsOnly(404) },
    'GET /api/v1/recipients/{id}': { call: (r) => r('get', `/api/v1/recipients/nobody-${randomUUID()}`), allowed: opsOnly(404) },
    'PUT /api/v1/recipients/{id}': { call: (r) => r('put', `/api/v1/recipients/user-${randomUUID()}`).send({ optOuts: 'sms' }), allowed: opsOnly(422) },
    'GET /api/v1/templates': { call: (r) => r('get', '/api/v1/templates'), allowed: opsOnly(200) },
    'POST /api/v1/templates': { call: (r) => r('post', '/api/v1/templates').send({}), allowed: opsOnly(422) },
    'GET /api/v1/templates/{id}': { call: (r) => r('get', '/api/v1/templates/2000000000'), allowed: opsOnly(404) },
    'PATCH /api/v1/templates/{id}': { call: (r) => r('patch', '/api/v1/templates/2000000000').send({ isActive: 'yes' }), allowed: opsOnly(422) },
    'GET /api/v1/call-logs': { call: (r) => r('get', '/api/v1/call-logs'), allowed: { central_ops: 200, field_team: 200 } },
    'POST /api/v1/call-logs': { call: (r) => r('post', '/api/v1/call-logs').send({}), allowed: { central_ops: 422, field_team: 422 } },
    'POST /api/v1/calls': { call: (r) => r('post', '/api/v1/calls').send({}), allowed: { central_ops: 422, field_team: 422 } },
    'GET /api/v1/calls/{id}': { call: (r) => r('get', `/api/v1/calls/${randomUUID()}`), allowed: { central_ops: 404, field_team: 404 } },
  });

  it('every documented /api/v1 route has a row in the matrix, and every row is a documented route', async () => {
    await expectMatrixCoversDocumentedRoutes(t.http, matrix());
  });

  it('each role gets the expected status on each route (403 where it has no business)', async () => {
    const { got, expected } = await matrixOutcomes(t.http, matrix(), tokens);
    expect(got).toEqual(expected);
  }, 120_000);

  it('without a token, or with a forged, expired, sub-less or unknown-role token, every route is 401 problem+json', async () => {
    const forged = await forgedTokens(t.config.AUTH_JWT_SECRET, randomUUID());
    expect(await forgedTokenFailures(t.http, matrix(), forged)).toEqual([]);
  }, 120_000);

  it('webhooks take no JWT: any role’s token, or none, without a gateway signature is 403', async () => {
    const paths = ['/webhooks/twilio/status', '/webhooks/twilio/inbound', '/webhooks/sendgrid/events'];
    const got: string[] = [];
    for (const path of paths) {
      for (const caller of [...Callers, null]) {
        let call = t.http().post(path);
        if (caller) call = call.set('authorization', `Bearer ${tokens[caller]}`);
        const response = await (path.includes('sendgrid') ? call.send([{ event: 'delivered' }]) : call.type('form').send({ MessageSid: 'SM1', MessageStatus: 'delivered' }));
        got.push(`${path} as ${caller ?? 'anonymous'} → ${response.status}`);
      }
    }
    expect(got.filter((line) => !line.endsWith('→ 403'))).toEqual([]);
  }, 60_000);
});
