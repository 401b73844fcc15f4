import { randomUUID } from 'node:crypto';
import { startLeadsApp, unique, type TestApp } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startLeadsApp();
}, 60_000);
afterAll(() => t.close(), 30_000);

describe('/api/v1/lead-sources', () => {
  it('central_ops creates a source; a second one with the same name is 409; bad input is 422 naming the field', async () => {
    const ops = `Bearer ${await t.token('central_ops')}`;
    const name = `MG Direct API ${unique()}`;
    const created = await t.http().post('/api/v1/lead-sources').set('authorization', ops).send({ name, sourceType: 'api' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name, sourceType: 'api', oemId: null });
    const twin = await t.http().post('/api/v1/lead-sources').set('authorization', ops).send({ name, sourceType: 'portal' });
    expect(twin.status).toBe(409);
    const bad = await t.http().post('/api/v1/lead-sources').set('authorization', ops).send({ name: '', sourceType: 'fax' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'sourceType']);
  });

  it("an OEM lists shared sources and its own, not another OEM's, and cannot create; others get 403; no token 401", async () => {
    const ops = `Bearer ${await t.token('central_ops')}`;
    const oemId = randomUUID();
    const own = (await t.http().post('/api/v1/lead-sources').set('authorization', ops).send({ name: `Own ${unique()}`, sourceType: 'portal', oemId })).body;
    const foreign = (await t.http().post('/api/v1/lead-sources').set('authorization', ops).send({ name: `Foreign ${unique()}`, sourceType: 'portal', oemId: randomUUID() })).body;
    const oem = `Bearer ${await t.token('oem', oemId)}`;
    const list = await t.http().get('/api/v1/lead-sources').set('authorization', oem).expect(200);
    const ids = list.body.map((s: { id: number }) => s.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(foreign.id);
    expect((await t.http().post('/api/v1/lead-sources').set('authorization', oem).send({ name: `X ${unique()}`, sourceType: 'api' })).status).toBe(403);
    expect((await t.http().get('/api/v1/lead-sources').set('authorization', `Bearer ${await t.token('customer')}`)).status).toBe(403);
    expect((await t.http().get('/api/v1/lead-sources')).status).toBe(401);
  });

  it('transitions and assignment of an unknown lead are 404; a malformed body is 422', async () => {
    const ops = `Bearer ${await t.token('central_ops')}`;
    const id = randomUUID();
    expect((await t.http().post(`/api/v1/leads/${id}/transitions`).set('authorization', ops).send({ to: 'contacted' })).status).toBe(404);
    expect((await t.http().post(`/api/v1/leads/${id}/assignment`).set('authorization', ops).send({ assignedToId: randomUUID() })).status).toBe(404);
    const bad = await t.http().post(`/api/v1/leads/${id}/assignment`).set('authorization', ops).send({ assignedToId: 'bob' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('assignedToId');
    expect((await t.http().get(`/api/v1/leads/${id}/history`).set('authorization', ops)).status).toBe(404);
  });

  it('serves the OpenAPI document with the leads routes', async () => {
    const docs = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/lead-sources',
        '/api/v1/leads',
        '/api/v1/leads/import',
        '/api/v1/leads/{id}',
        '/api/v1/leads/{id}/transitions',
        '/api/v1/leads/{id}/assignment',
        '/api/v1/leads/{id}/history',
        '/api/v1/leads/{id}/documents',
        '/api/v1/leads/{id}/documents/{docId}/content',
      ]),
    );
  });
});
