import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import {
  callerTokens,
  expectMatrixCoversDocumentedRoutes,
  forgedTokenFailures,
  forgedTokens,
  matrixOutcomes,
  type Caller,
  type RouteExpectation,
} from '../../../../test/security/authorization.js';
import { leadBody } from '../support.js';
import { multipartBody, seedLead, startHostileLeadsApp, TINY_PDF, type HostileLeadsApp } from './hostile-app.js';

const ops = { central_ops: 200, oem: 200, other_oem: 404 } as const;

/**
 * Every role of CONTRACT.md × every /api/v1 route of leads-service, the route list read from the
 * live /docs-json so that a new route without a row here fails the test. Allowed callers get the
 * route's answer (a 422 for an empty body proves the guard let them through), others 403; an OEM
 * sees only its own leads — another OEM's lead is 404. Forged and expired tokens are 401 everywhere.
 */
describe('leads-service authorization matrix (roles × routes from /docs-json)', () => {
  let t: HostileLeadsApp;
  const oemId = randomUUID();
  const otherOemId = randomUUID();
  let tokens: Record<Caller, string>;
  let leadId: string;
  let documentId: string;
  let sourceId: number;

  beforeAll(async () => {
    t = await startHostileLeadsApp();
    tokens = await callerTokens(t.token, (caller) => (caller === 'oem' ? oemId : caller === 'other_oem' ? otherOemId : undefined));
    const auth = `Bearer ${tokens.central_ops}`;
    ({ sourceId, leadId } = await seedLead(t, auth, 'api', oemId));
    documentId = (await uploadPdf(t.http().post(`/api/v1/leads/${leadId}/documents`).set('authorization', auth)).expect(201)).body.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  function uploadPdf(call: Test): Test {
    const body = multipartBody('matrix', [
      { name: 'documentType', value: 'electricity_bill' },
      { name: 'file', filename: 'bill.pdf', contentType: 'application/pdf', value: TINY_PDF },
    ]);
    return call.set('content-type', 'multipart/form-data; boundary=matrix').send(body);
  }

  /** The table. Callers not listed get 403. */
  const matrix = (): Record<string, RouteExpectation> => ({
    'GET /api/v1/lead-sources': { call: (r) => r('get', '/api/v1/lead-sources'), allowed: { central_ops: 200, oem: 200, other_oem: 200 } },
    'POST /api/v1/lead-sources': { call: (r) => r('post', '/api/v1/lead-sources').send({}), allowed: { central_ops: 422 } },
    'GET /api/v1/leads': { call: (r) => r('get', '/api/v1/leads'), allowed: { central_ops: 200, oem: 200, other_oem: 200 } },
    'POST /api/v1/leads': { call: (r) => r('post', '/api/v1/leads').send({}), allowed: { central_ops: 422, oem: 422, other_oem: 422 } },
    'POST /api/v1/leads/import': {
      call: (r) => r('post', '/api/v1/leads/import').set('content-type', 'multipart/form-data; boundary=m').send(multipartBody('m', [{ name: 'notes', value: 'x' }])),
      allowed: { central_ops: 422 },
    },
    'GET /api/v1/leads/{id}': { call: (r) => r('get', `/api/v1/leads/${leadId}`), allowed: ops },
    'PATCH /api/v1/leads/{id}': { call: (r) => r('patch', `/api/v1/leads/${leadId}`).send({ chargerModel: 'AC 7.4 kW' }), allowed: ops },
    'POST /api/v1/leads/{id}/transitions': { call: (r) => r('post', `/api/v1/leads/${leadId}/transitions`).send({}), allowed: { central_ops: 422 } },
    'POST /api/v1/leads/{id}/assignment': { call: (r) => r('post', `/api/v1/leads/${leadId}/assignment`).send({}), allowed: { central_ops: 422 } },
    'GET /api/v1/leads/{id}/history': { call: (r) => r('get', `/api/v1/leads/${leadId}/history`), allowed: ops },
    'GET /api/v1/leads/{id}/documents': { call: (r) => r('get', `/api/v1/leads/${leadId}/documents`), allowed: ops },
    'POST /api/v1/leads/{id}/documents': {
      call: (r) => uploadPdf(r('post', `/api/v1/leads/${leadId}/documents`)),
      allowed: { central_ops: 201, oem: 201, other_oem: 404 },
    },
    'GET /api/v1/leads/{id}/documents/{docId}/content': {
      call: (r) => r('get', `/api/v1/leads/${leadId}/documents/${documentId}/content`),
      allowed: ops,
    },
  });

  it('every documented /api/v1 route has a row in the matrix, and every row is a documented route', async () => {
    await expectMatrixCoversDocumentedRoutes(t.http, matrix());
  });

  it('each role gets the expected status on each route (403 where it has no business, 404 for another OEM’s lead)', async () => {
    const { got, expected } = await matrixOutcomes(t.http, matrix(), tokens);
    expect(got).toEqual(expected);
  }, 120_000);

  it('an OEM’s lead list never shows another OEM’s lead, whatever filter or search it asks for', async () => {
    const lead = (await t.http().get(`/api/v1/leads/${leadId}`).set('authorization', `Bearer ${tokens.central_ops}`).expect(200)).body;
    const queries = [{}, { oemId }, { q: lead.customerName }, { q: lead.customerPhone }, { city: lead.city, limit: 200 }];
    for (const query of queries) {
      const own = await t.http().get('/api/v1/leads').query(query).set('authorization', `Bearer ${tokens.oem}`);
      const other = await t.http().get('/api/v1/leads').query(query).set('authorization', `Bearer ${tokens.other_oem}`);
      expect([own.status, other.status]).toEqual([200, 200]);
      expect(other.body.items.map((l: { id: string }) => l.id)).not.toContain(leadId);
      expect(other.body.items.every((l: { oemId: string }) => l.oemId === otherOemId)).toBe(true);
      expect(own.body.items.every((l: { oemId: string }) => l.oemId === oemId)).toBe(true);
    }
    expect((await t.http().get('/api/v1/leads').query({ q: lead.customerName }).set('authorization', `Bearer ${tokens.oem}`)).body.items.map((l: { id: string }) => l.id)).toContain(leadId);
  });

  it('an OEM cannot create a lead for another OEM (403 naming oemId); without oemId the lead is its own', async () => {
    const forOther = await t.http().post('/api/v1/leads').set('authorization', `Bearer ${tokens.oem}`).send(leadBody(sourceId, { oemId: otherOemId }));
    expect(forOther.status).toBe(403);
    expect(forOther.body.errors.map((e: { field: string }) => e.field)).toContain('oemId');
    const own = await t.http().post('/api/v1/leads').set('authorization', `Bearer ${tokens.oem}`).send(leadBody(sourceId));
    expect(own.status).toBe(201);
    expect(own.body.oemId).toBe(oemId);
  });

  it('without a token, or with a forged, expired, sub-less or unknown-role token, every route is 401 problem+json', async () => {
    const forged = await forgedTokens(t.config.AUTH_JWT_SECRET, oemId);
    expect(await forgedTokenFailures(t.http, matrix(), forged)).toEqual([]);
  }, 120_000);
});
