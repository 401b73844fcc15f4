import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { ConsumerGroups } from '#contracts';
import { signDevToken } from '#platform/auth';
import { callService, eventually, type RunningService, startBothServices, TEST_AUTH_SECRET } from '../support/service-process.js';

/**
 * The platform end to end, each service its own OS process on the real broker and databases:
 * a lead created over HTTP reaches notifications-service through Kafka and becomes a sent SMS.
 */
describe('lead created → notification sent (two processes, real Kafka and PostgreSQL)', () => {
  let leads: RunningService;
  let notifications: RunningService;
  let opsToken: string;

  beforeAll(async () => {
    const env = { LOG_LEVEL: 'info', QUIET_HOURS: 'off' };
    ({ leads, notifications } = await startBothServices(env));
    opsToken = await signDevToken(TEST_AUTH_SECRET, { sub: randomUUID(), role: 'central_ops', name: 'Ops' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([leads?.stop(), notifications?.stop()]);
  }, 30_000);

  const call = (service: RunningService, method: string, path: string, body?: unknown) => callService(service, opsToken, method, path, body);

  it('sends the customer an SMS for a new lead, once', async () => {
    const source = await call(leads, 'POST', '/api/v1/lead-sources', {
      name: `E2E Portal ${randomUUID()}`,
      sourceType: 'portal',
    });
    expect(source.status).toBe(201);

    const created = await call(leads, 'POST', '/api/v1/leads', {
      oemId: randomUUID(),
      customerName: 'Asha Rao',
      customerPhone: '98123 45678',
      customerEmail: 'asha.rao@example.com',
      addressLine1: '12 MG Road',
      city: 'Bengaluru',
      state: 'Karnataka',
      pincode: '560001',
      sourceId: source.body.id,
    });
    expect(created.status).toBe(201);
    expect(created.body.customerPhone).toBe('+919812345678');
    const leadId: string = created.body.id;

    const sms = await eventually(
      async () => {
        const list = await call(notifications, 'GET', `/api/v1/notifications?contextId=${leadId}&channel=sms`);
        return list.body?.items?.find((item: { status: string }) => item.status === 'sent');
      },
      60_000,
      `a sent SMS for lead ${leadId}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- leads-service ---\n${leads.output().slice(-4000)}\n--- notifications-service ---\n${notifications.output().slice(-4000)}`);
    });
    expect(sms).toMatchObject({ channel: 'sms', contextType: 'lead', contextId: leadId });
    expect(sms.body).toContain('Asha');

    // Give a redelivery time to show up, then check there is exactly one SMS.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const all = await call(notifications, 'GET', `/api/v1/notifications?contextId=${leadId}&channel=sms`);
    expect(all.body.items).toHaveLength(1);
  }, 90_000);

  it('leaves the consumer group and exits 0 on SIGTERM', async () => {
    const code = await notifications.stop('SIGTERM');
    expect(code).toBe(0);
    expect(notifications.output()).toContain('stopped on SIGTERM');
    expect(notifications.output()).not.toMatch(/"level":(50|60)/);

    const kafka = new kafkajs.Kafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([ConsumerGroups.Notifications]);
      expect(groups[0].members).toHaveLength(0);
    } finally {
      await admin.disconnect();
    }
  }, 30_000);
});
