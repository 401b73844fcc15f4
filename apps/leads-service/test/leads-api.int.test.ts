import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { createSource, indianMobile, leadBody, startLeadsAppWithSource, unique, type TestApp } from './support.js';

let t: TestApp;
let ops: string;
let sourceId: number;

beforeAll(async () => ({ t, ops, sourceId } = await startLeadsAppWithSource()), 60_000);
afterAll(() => t.close(), 30_000);

const create = (auth: string, body: Record<string, unknown>) =>
  t.http().post('/api/v1/leads').set('authorization', auth).send(body);

describe('POST /api/v1/leads', () => {
  it('creates a lead with the phone in E.164 and coordinates as numeric(9,6)', async () => {
    const oemId = randomUUID();
    const response = await create(ops, leadBody(sourceId, { oemId, customerPhone: '98123 45678', latitude: 12.9715987 }));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      oemId,
      customerPhone: '+919812345678',
      latitude: 12.971599,
      status: 'new',
      introCallCompleted: false,
      addressLine2: '',
      sourceId,
    });
  });

  it('names every invalid field in a 422 problem', async () => {
    const response = await create(
      ops,
      leadBody(sourceId, { oemId: randomUUID(), customerPhone: '12345', customerEmail: 'nope', pincode: '12', latitude: 95 }),
    );
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['customerEmail', 'pincode', 'latitude']));
  });

  it('rejects an invalid phone number naming customerPhone', async () => {
    const response = await create(ops, leadBody(sourceId, { oemId: randomUUID(), customerPhone: '+91 12345' }));
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'customerPhone' })]);
  });

  it('rejects unknown fields and an unknown source', async () => {
    expect((await create(ops, { ...leadBody(sourceId, { oemId: randomUUID() }), status: 'closed' })).status).toBe(422);
    const unknownSource = await create(ops, leadBody(987_654_321, { oemId: randomUUID() }));
    expect(unknownSource.status).toBe(422);
    expect(unknownSource.body.errors[0].field).toBe('sourceId');
  });

  it('requires oemId from central_ops', async () => {
    const response = await create(ops, leadBody(sourceId));
    expect(response.status).toBe(422);
    expect(response.body.errors[0].field).toBe('oemId');
  });

  it('returns the same lead (200) on a retry with the same Idempotency-Key', async () => {
    const key = `key-${unique()}`;
    const body = leadBody(sourceId, { oemId: randomUUID() });
    const first = await create(ops, body).set('idempotency-key', key);
    const retry = await create(ops, body).set('idempotency-key', key);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const other = await create(ops, { ...body, customerName: 'Someone Else' }).set('idempotency-key', key);
    expect(other.status).toBe(409);
  });

  it('returns the same lead (200) for the same sourceId + externalRef', async () => {
    const body = leadBody(sourceId, { oemId: randomUUID(), externalRef: `ext-${unique()}` });
    const first = await create(ops, body);
    const again = await create(ops, { ...body, customerName: 'Changed Name' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('an OEM may use its own or an unowned lead source, never another OEM\'s', async () => {
    const oemA = randomUUID();
    const ownSource = (await createSource(t, { oemId: oemA })).id;
    const othersSource = (await createSource(t, { oemId: randomUUID() })).id;
    const tokenA = `Bearer ${await t.token('oem', oemA)}`;
    expect((await create(tokenA, leadBody(ownSource))).status).toBe(201);
    expect((await create(tokenA, leadBody(sourceId))).status).toBe(201);
    const refused = await create(tokenA, leadBody(othersSource));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'sourceId' })]);
    // Central Ops may file a lead under any source.
    expect((await create(ops, leadBody(othersSource, { oemId: randomUUID() }))).status).toBe(201);
  });

  it('writes the same lead, history and event rows in one statement as through the transactional path', async () => {
    // Without an Idempotency-Key a create is one statement (insertNewLead); with one it is the
    // MikroORM unit of work (addNewLead). Both must leave identical rows behind.
    const body = leadBody(sourceId, { oemId: randomUUID(), addressLine2: 'Block B', chargerModel: 'ChargeSol Home 7.4 kW' });
    const fast = await create(ops, { ...body, externalRef: `fast-${unique()}` });
    const transactional = await create(ops, { ...body, externalRef: `tx-${unique()}` }).set('idempotency-key', unique());
    expect([fast.status, transactional.status]).toEqual([201, 201]);
    const em = t.app.get(EntityManager).fork();
    const rowsOf = async (leadId: string) => {
      const [lead] = await em.execute('select * from leads where id = ?', [leadId]);
      const history = await em.execute('select * from lead_history where lead_id = ?', [leadId]);
      const outbox = await em.execute('select * from outbox_messages where aggregate_id = ?', [leadId]);
      return { lead, history, outbox };
    };
    const volatile = new Set(['id', 'lead_id', 'aggregate_id', 'message_key', 'event_id', 'position', 'created_at', 'updated_at', 'published_at', 'external_ref', 'time', 'externalRef', 'createdAt', 'updatedAt', 'traceparent', 'ce-id', 'subject']);
    const stable = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(stable)
        : value && typeof value === 'object' && !(value instanceof Date)
          ? Object.fromEntries(Object.entries(value).filter(([key]) => !volatile.has(key)).map(([key, v]) => [key, stable(v)]))
          : value;
    const a = await rowsOf(fast.body.id);
    const b = await rowsOf(transactional.body.id);
    expect(a.history).toHaveLength(1);
    expect(a.outbox).toHaveLength(1);
    expect(Object.keys(a.lead).sort()).toEqual(Object.keys(b.lead).sort());
    expect(stable(a)).toEqual(stable(b));
    expect(a.outbox[0].payload.data.lead).toEqual(fast.body);
    expect(a.outbox[0].payload.id).toBe(a.outbox[0].event_id);
    expect(a.outbox[0].payload.subject).toBe(fast.body.id);
    expect(new Date(a.lead.created_at).toISOString()).toBe(fast.body.createdAt);
    expect(a.outbox[0].headers['ce-id']).toBe(a.outbox[0].event_id);
  });

  it('needs a token (401) and a role that creates leads (403)', async () => {
    expect((await create('', leadBody(sourceId))).status).toBe(401);
    expect((await create(`Bearer ${await t.token('finance')}`, leadBody(sourceId))).status).toBe(403);
  });
});

describe('OEM isolation', () => {
  it("an OEM creates its own leads and never sees another OEM's", async () => {
    const oemA = randomUUID();
    const tokenA = `Bearer ${await t.token('oem', oemA)}`;
    const tokenB = `Bearer ${await t.token('oem')}`;
    const created = await create(tokenA, leadBody(sourceId));
    expect(created.status).toBe(201);
    expect(created.body.oemId).toBe(oemA);
    expect((await create(tokenA, leadBody(sourceId, { oemId: randomUUID() }))).status).toBe(403);

    const id = created.body.id;
    expect((await t.http().get(`/api/v1/leads/${id}`).set('authorization', tokenA)).status).toBe(200);
    expect((await t.http().get(`/api/v1/leads/${id}`).set('authorization', tokenB)).status).toBe(404);
    expect((await t.http().patch(`/api/v1/leads/${id}`).set('authorization', tokenB).send({ city: 'Pune' })).status).toBe(404);
    expect((await t.http().get(`/api/v1/leads/${id}/history`).set('authorization', tokenB)).status).toBe(404);
    const listB = await t.http().get('/api/v1/leads').query({ limit: 200 }).set('authorization', tokenB);
    expect(listB.body.items.map((lead: { id: string }) => lead.id)).not.toContain(id);

    // An OEM cannot transition, assign or import.
    const transition = await t.http().post(`/api/v1/leads/${id}/transitions`).set('authorization', tokenA).send({ to: 'cancelled' });
    expect(transition.status).toBe(403);
    const assign = await t
      .http()
      .post(`/api/v1/leads/${id}/assignment`)
      .set('authorization', tokenA)
      .send({ assignedToId: randomUUID() });
    expect(assign.status).toBe(403);
    expect((await t.http().post('/api/v1/leads/import').set('authorization', tokenA)).status).toBe(403);
  });

  it('unknown ids are 404 and malformed ids 422 naming the parameter', async () => {
    expect((await t.http().get(`/api/v1/leads/${randomUUID()}`).set('authorization', ops)).status).toBe(404);
    const malformed = await t.http().get('/api/v1/leads/not-a-uuid').set('authorization', ops);
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });
});

describe('GET /api/v1/leads', () => {
  it('filters by oem, status, city, q and pages with a stable cursor', async () => {
    const oemId = randomUUID();
    const phone = indianMobile();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const city = i % 2 === 0 ? 'Pune' : 'Mysuru';
      const body = leadBody(sourceId, { oemId, city, ...(i === 3 ? { customerPhone: phone, customerName: 'Zubin Mehta' } : {}) });
      ids.push((await create(ops, body).expect(201)).body.id);
    }
    const list = (query: Record<string, unknown>) =>
      t.http().get('/api/v1/leads').query({ oemId, ...query }).set('authorization', ops).expect(200);

    const pune = await list({ city: 'pune' });
    expect(pune.body.items).toHaveLength(3);

    const byName = await list({ q: 'zubin' });
    expect(byName.body.items.map((l: { id: string }) => l.id)).toEqual([ids[3]]);
    const byPhone = await list({ q: phone.slice(-6) });
    expect(byPhone.body.items.map((l: { id: string }) => l.id)).toEqual([ids[3]]);
    expect((await list({ status: 'contacted' })).body.items).toHaveLength(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await list({
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const from = new Date(Date.now() - 60_000).toISOString();
    expect((await list({ createdFrom: from })).body.items).toHaveLength(5);
    expect((await list({ createdTo: from })).body.items).toHaveLength(0);
  });

  it('validates limit and cursor', async () => {
    expect((await t.http().get('/api/v1/leads').query({ limit: 201 }).set('authorization', ops)).status).toBe(422);
    expect((await t.http().get('/api/v1/leads').query({ cursor: 'garbage' }).set('authorization', ops)).status).toBe(422);
  });
});

describe('PATCH /api/v1/leads/:id', () => {
  it('edits contact fields, normalizes them, and records the change in history', async () => {
    const lead = (await create(ops, leadBody(sourceId, { oemId: randomUUID() })).expect(201)).body;
    const patched = await t
      .http()
      .patch(`/api/v1/leads/${lead.id}`)
      .set('authorization', ops)
      .send({ customerPhone: '09876543210', city: 'Mysuru' })
      .expect(200);
    expect(patched.body).toMatchObject({ customerPhone: '+919876543210', city: 'Mysuru' });
    expect((await t.http().patch(`/api/v1/leads/${lead.id}`).set('authorization', ops).send({ status: 'closed' })).status).toBe(422);
    expect((await t.http().patch(`/api/v1/leads/${lead.id}`).set('authorization', ops).send({ pincode: '1' })).status).toBe(422);
    const history = await t.http().get(`/api/v1/leads/${lead.id}/history`).set('authorization', ops).expect(200);
    expect(history.body.map((h: { action: string }) => h.action)).toEqual(['created', 'updated']);
    expect(history.body[1].changes.city).toEqual({ from: 'Bengaluru', to: 'Mysuru' });

    // null clears a field that may be empty, and is refused (naming it) for a required one.
    const nulls = await t.http().patch(`/api/v1/leads/${lead.id}`).set('authorization', ops).send({ customerName: null, customerPhone: null });
    expect(nulls.status).toBe(422);
    expect(nulls.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['customerName', 'customerPhone']));
    const cleared = await t.http().patch(`/api/v1/leads/${lead.id}`).set('authorization', ops).send({ customerEmail: null }).expect(200);
    expect(cleared.body.customerEmail).toBeNull();
  });
});
