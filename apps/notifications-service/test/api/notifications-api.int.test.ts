import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { NotificationRule } from '../../src/rules/notification-rule.entity.js';
import { NotificationTemplate } from '../../src/templates/notification-template.entity.js';
import { TemplateRenderer } from '../../src/templates/template-renderer.js';
import { type Harness, leadSnapshot, randomPhone, startHarness } from '../support/harness.js';

jest.setTimeout(60_000);

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness();
  token = await h.token();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const api = () => request(h.app.getHttpServer());
const auth = (t = token) => ({ authorization: `Bearer ${t}` });

describe('schema and seeds', () => {
  it('the migrations create exactly the schema the entities describe', async () => {
    expect(await h.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('the queue-like tables are vacuumed and analyzed after a small share of them changed', async () => {
    const rows = await h.orm.em.fork().execute<{ relname: string; reloptions: string[] | null }[]>(
      `select relname, reloptions from pg_class where relname in ('notification', 'outbox_event', 'inbox_event') and relkind = 'r'`,
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.reloptions).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_analyze_scale_factor=0.01']));
    }
  });

  it('every seeded template compiles and renders strictly for a real lead event', async () => {
    // The seeded templates are the ones the seeded rules use (there is no rules API); other suites
    // sharing this database create templates of their own, some deliberately odd, through the API.
    const rules = await h.orm.em.fork().find(NotificationRule, {}, { populate: ['template'] });
    const templates = [...new Map(rules.map((rule) => [rule.template.id, rule.template])).values()];
    expect(templates.length).toBeGreaterThanOrEqual(31);
    const renderer = new TemplateRenderer();
    const lead = leadSnapshot({ status: 'survey_scheduled' });
    for (const template of templates.filter((t) => !t.name.startsWith('test_'))) {
      const out = renderer.render(template, {
        lead,
        event: { type: 'x', time: lead.updatedAt, from: 'on_hold', to: 'survey_scheduled', reason: null },
        recipient: { id: 'u', name: 'Ravi' },
      });
      expect(out.body).not.toMatch(/{{|undefined|null/);
      if (template.channel === 'email') expect(out.subject && out.html).toBeTruthy();
      if (template.channel === 'sms') expect(out.body.length).toBeLessThanOrEqual(200);
    }
  });
});

describe('HTTP API', () => {
  it('documents every route and body in the OpenAPI document', async () => {
    const doc = (await api().get('/docs-json').expect(200)).body;
    for (const path of ['/api/v1/notifications', '/api/v1/notifications/{id}', '/api/v1/templates', '/api/v1/templates/{id}', '/api/v1/recipients/{id}']) {
      expect(doc.paths[path]).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['SendNotificationDto', 'NotificationPage', 'NotificationDetailView', 'CreateTemplateDto', 'PutRecipientDto']),
    );
  });

  it('text with NUL characters (which PostgreSQL cannot store) is a 422, never a 500', async () => {
    const nul = 'a\u0000b';
    const template = await api().post('/api/v1/templates').set(auth()).send({ name: `test_nul_${randomUUID().slice(0, 8)}`, channel: 'sms', bodyTemplate: nul }).expect(422);
    expect(template.body.errors[0].field).toBe('bodyTemplate');
    await api().put(`/api/v1/recipients/${randomUUID()}`).set(auth()).send({ name: nul }).expect(422);
    const adHoc = { recipient: { id: 'x', address: randomPhone() }, channel: 'sms', contextType: 'lead' };
    await api().post('/api/v1/notifications').set(auth()).send({ ...adHoc, body: nul }).expect(422);
    const context = await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ ...adHoc, templateName: 'lead_received_sms', context: { lead: leadSnapshot({ city: nul }) } })
      .expect(422);
    expect(context.body.errors[0].field).toBe('context.lead.city');
  });

  it('a lone surrogate (not Unicode) is a 422 naming the field, never a 500', async () => {
    const response = await api().put(`/api/v1/recipients/${randomUUID()}`).set(auth()).send({ email: '\u202e\ud800' }).expect(422);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['email']);
  });

  it('requires a token, and central_ops', async () => {
    await api().get('/api/v1/notifications').expect(401);
    await api().get('/api/v1/notifications').set(auth(await h.token('oem'))).expect(403);
    await api().get('/api/v1/templates').set(auth(await h.token('field_team'))).expect(403);
  });

  it('lists a recipient history with filters and cursor pagination; detail has receipts', async () => {
    const phone = randomPhone();
    const contextId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api()
        .post('/api/v1/notifications')
        .set(auth())
        .send({ recipient: { id: `cust:${phone}`, address: phone }, channel: 'whatsapp', body: `m${i}`, contextType: 'installation', contextId })
        .expect(201);
      ids.push(response.body.id);
    }
    const first = await api().get(`/api/v1/notifications?recipientId=cust:${encodeURIComponent(phone)}&limit=2`).set(auth()).expect(200);
    expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api()
      .get(`/api/v1/notifications?contextId=${contextId}&contextType=installation&channel=whatsapp&limit=2&cursor=${first.body.nextCursor}`)
      .set(auth())
      .expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], body: 'm0' })], nextCursor: null });

    const detail = await api().get(`/api/v1/notifications/${ids[0]}`).set(auth()).expect(200);
    expect(detail.body).toMatchObject({ id: ids[0], recipientId: `cust:${phone}`, receipts: [] });
    await api().get(`/api/v1/notifications/${randomUUID()}`).set(auth()).expect(404);
    const bad = await api().get('/api/v1/notifications?cursor=nonsense&status=lost').set(auth()).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('status');
  });

  it('ad-hoc send renders a template with its context, strictly', async () => {
    const phone = randomPhone();
    const lead = leadSnapshot({ customerName: 'Meera Iyer' });
    const ok = await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: `cust:${phone}`, address: phone }, channel: 'sms', templateName: 'lead_received_sms', context: { lead }, contextType: 'lead', contextId: lead.id })
      .expect(201);
    expect(ok.body.body).toMatch(/^Hi Meera, ChargeSol has your EV charger installation request for Bengaluru/);

    const missing = await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: `cust:${phone}`, address: phone }, channel: 'sms', templateName: 'lead_received_sms', context: {}, contextType: 'lead' })
      .expect(422);
    expect(missing.body.detail).toMatch(/lead_received_sms did not render: .*customerName/);
    await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: `cust:${phone}` }, channel: 'sms', templateName: 'lead_received_email', context: { lead }, contextType: 'lead' })
      .expect(422);
    await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: 'x', address: '12' }, channel: 'sms', body: 'b', contextType: 'lead' })
      .expect(422);
    await api().post('/api/v1/notifications').set(auth()).send({ recipient: { id: 'x' }, channel: 'fax', contextType: 'lead' }).expect(422);
  });

  it('templates: create, 422 with the parser message when it does not compile, patch, deactivate', async () => {
    const name = `test_${randomUUID().slice(0, 8)}_sms`;
    const created = await api().post('/api/v1/templates').set(auth()).send({ name, channel: 'sms', bodyTemplate: 'Hi {{firstName lead.customerName}}' }).expect(201);
    expect(created.body).toMatchObject({ name, channel: 'sms', subjectTemplate: '', htmlTemplate: null, isActive: true });

    const broken = await api().post('/api/v1/templates').set(auth()).send({ name: `${name}_x`, channel: 'sms', bodyTemplate: 'Hi {{#if lead}}open' }).expect(422);
    expect(broken.body.errors[0].field).toBe('bodyTemplate');
    expect(broken.body.errors[0].message).toMatch(/Parse error|Expecting|doesn't match/);
    await api().patch(`/api/v1/templates/${created.body.id}`).set(auth()).send({ bodyTemplate: '{{lead.city' }).expect(422);
    await api().post('/api/v1/templates').set(auth()).send({ name, channel: 'sms', bodyTemplate: 'dup' }).expect(409);
    await api().post('/api/v1/templates').set(auth()).send({ name: `${name}_h`, channel: 'sms', bodyTemplate: 'x', htmlTemplate: '<p/>' }).expect(422);

    const patched = await api().patch(`/api/v1/templates/${created.body.id}`).set(auth()).send({ bodyTemplate: 'Bye {{lead.city}}', isActive: false }).expect(200);
    expect(patched.body).toMatchObject({ bodyTemplate: 'Bye {{lead.city}}', isActive: false });
    expect(new Date(patched.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updatedAt).getTime());
    await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: 'x', address: randomPhone() }, channel: 'sms', templateName: name, context: { lead: leadSnapshot() }, contextType: 'lead' })
      .expect(422);
    const list = await api().get('/api/v1/templates').set(auth()).expect(200);
    expect(list.body.find((t: { name: string }) => t.name === name)).toMatchObject({ isActive: false });
    await api().get('/api/v1/templates/999999').set(auth()).expect(404);
    await api().get('/api/v1/templates/99999999999').set(auth()).expect(404);
    // null means "unchanged" for fields that cannot be empty.
    const kept = await api().patch(`/api/v1/templates/${created.body.id}`).set(auth()).send({ name: null, bodyTemplate: null }).expect(200);
    expect(kept.body).toMatchObject({ name, bodyTemplate: 'Bye {{lead.city}}' });
  });

  it('recipients: PUT creates then replaces, normalizing phones; unknown is 404', async () => {
    const id = randomUUID();
    const put = await api().put(`/api/v1/recipients/${id}`).set(auth()).send({ name: 'Ops One', phone: '98123 45678', optOuts: ['email', 'push'] }).expect(201);
    expect(put.body).toMatchObject({ id, kind: 'user', phone: '+919812345678', email: null, optOuts: ['email', 'push'] });
    const replaced = await api().put(`/api/v1/recipients/${id}`).set(auth()).send({ name: 'Ops One', email: 'ops@chargesol.in' }).expect(200);
    expect(replaced.body).toMatchObject({ phone: null, email: 'ops@chargesol.in', optOuts: [] });
    await api().put(`/api/v1/recipients/${id}`).set(auth()).send({ phone: 'abc' }).expect(422);
    await api().put(`/api/v1/recipients/${id}`).set(auth()).send({ optOuts: ['fax'] }).expect(422);
    await api().get(`/api/v1/recipients/${randomUUID()}`).set(auth()).expect(404);
    // Over-long ids never reach the database (Fastify answers 414 past 100 characters).
    for (const call of [api().get(`/api/v1/recipients/${'x'.repeat(101)}`), api().put(`/api/v1/recipients/${'x'.repeat(101)}`).send({ name: 'n' })]) {
      const response = await call.set(auth());
      expect([404, 414, 422]).toContain(response.status);
    }
  });
});
