import { randomUUID } from 'node:crypto';
import { signDevToken } from '#platform/auth';
import { callService, eventually, type RunningService, startBothServices, TEST_AUTH_SECRET } from '../../../../test/support/service-process.js';

/**
 * Closing the loop across both services, each its own OS process on the real broker and
 * databases: a connected introductory call logged in notifications-service reaches leads-service
 * as `chargesol.call.logged` and moves the lead from `new` to `contacted` by itself.
 */
describe('a logged intro call moves the lead to contacted (two processes, real Kafka and PostgreSQL)', () => {
  let leads: RunningService;
  let notifications: RunningService;
  let opsToken: string;
  const opsId = randomUUID();

  beforeAll(async () => {
    const env = { QUIET_HOURS: 'off' };
    ({ leads, notifications } = await startBothServices(env));
    opsToken = await signDevToken(TEST_AUTH_SECRET, { sub: opsId, role: 'central_ops', name: 'Ops' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([leads?.stop(), notifications?.stop()]);
  }, 60_000);

  const call = (service: RunningService, method: string, path: string, body?: unknown) => callService(service, opsToken, method, path, body);

  async function newLead(): Promise<{ id: string; customerPhone: string }> {
    const source = await call(leads, 'POST', '/api/v1/lead-sources', { name: `Intro call ${randomUUID()}`, sourceType: 'manual' });
    expect(source.status).toBe(201);
    const created = await call(leads, 'POST', '/api/v1/leads', {
      oemId: randomUUID(),
      customerName: 'Vikram Iyer',
      customerPhone: '98450 12345',
      addressLine1: '4 Residency Road',
      city: 'Bengaluru',
      state: 'Karnataka',
      pincode: '560025',
      sourceId: source.body.id,
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('new');
    return created.body;
  }

  it('a connected introductory call → lead contacted with introCallCompleted', async () => {
    const lead = await newLead();
    const logged = await call(notifications, 'POST', '/api/v1/call-logs', {
      calleePhone: lead.customerPhone,
      callType: 'introductory',
      contextType: 'lead',
      contextId: lead.id,
      outcome: 'connected',
      durationSeconds: 180,
    });
    expect(logged.status).toBe(201);

    const contacted = await eventually(
      async () => {
        const current = await call(leads, 'GET', `/api/v1/leads/${lead.id}`);
        return current.body?.status === 'contacted' ? current.body : undefined;
      },
      45_000,
      `lead ${lead.id} contacted`,
    );
    expect(contacted).toMatchObject({ status: 'contacted', introCallCompleted: true });
  }, 90_000);
});
