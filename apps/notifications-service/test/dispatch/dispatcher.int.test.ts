import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { ProviderRegistry } from '../../src/delivery/provider-registry.js';
import { type DeliveryProvider, type OutboundMessage, ProviderError } from '../../src/delivery/provider.js';
import { SandboxProvider } from '../../src/delivery/sandbox.provider.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.service.js';
import { Notification } from '../../src/notifications/notification.entity.js';
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js';
import { eventually, type Harness, MIDDAY_IST, randomPhone, startHarness } from '../support/harness.js';

jest.setTimeout(60_000);

let h: Harness;
let token: string;
/** When set, every channel goes through this provider instead of the configured one. */
let override: DeliveryProvider | null = null;

beforeAll(async () => {
  h = await startHarness();
  token = await h.token();
  const registry = h.app.get(ProviderRegistry);
  const configured = registry.forChannel.bind(registry);
  registry.forChannel = (channel) => override ?? configured(channel);
}, 120_000);

afterEach(() => {
  override = null;
  h.clock.set(MIDDAY_IST);
});

afterAll(async () => {
  await h?.close();
});

const api = () => request(h.app.getHttpServer());
const auth = (t = token) => ({ authorization: `Bearer ${t}` });
const find = (id: string) => h.orm.em.fork().findOneOrFail(Notification, id);
const settled = (id: string) =>
  eventually(async () => {
    const row = await find(id);
    return row.status !== 'queued' ? row : null;
  }, `notification ${id} to leave queued`);

/** Queues an ad-hoc message to a customer through the API. */
async function sendAdHoc(body: Record<string, unknown> = {}): Promise<string> {
  const phone = randomPhone();
  const response = await api()
    .post('/api/v1/notifications')
    .set(auth())
    .send({ recipient: { id: `cust:${phone}`, address: phone }, channel: 'sms', body: 'Your survey is tomorrow', contextType: 'survey', ...body })
    .expect(201);
  expect(response.body.status).toBe('queued');
  return response.body.id;
}

/** A provider that answers from a script of outcomes, then succeeds. */
function scriptedProvider(outcomes: (ProviderError | 'ok')[]) {
  const calls: OutboundMessage[] = [];
  const provider: DeliveryProvider = {
    name: 'scripted',
    supports: () => true,
    send: async (message) => {
      calls.push(message);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return { gatewayMessageId: `scripted-${calls.length}`, provider: 'scripted' };
    },
  };
  return { provider, calls };
}

describe('dispatcher', () => {
  it('sends an ad-hoc message through the sandbox with a status callback URL', async () => {
    const id = await sendAdHoc();
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'sent', provider: 'sandbox', attempts: 1 });
    const delivery = h.app.get(SandboxProvider).lastFor(id);
    expect(delivery?.statusCallbackUrl).toBe(`${h.config.PUBLIC_BASE_URL}/webhooks/twilio/status`);
    expect(delivery?.body).toBe('Your survey is tomorrow');
    const metrics = await api().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/notifications_send_outcomes_total\{[^}]*channel="sms",outcome="sent"[^}]*\} [1-9]/);
    expect(metrics.text).toContain('notifications_queued_to_sent_seconds_bucket');
  });

  it('retries transient errors with backoff, then sends', async () => {
    const { provider, calls } = scriptedProvider([
      new ProviderError('gateway 503', true, '503'),
      new ProviderError('timeout', true, 'timeout'),
      'ok',
    ]);
    override = provider;
    const id = await sendAdHoc();
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, gatewayMessageId: 'scripted-3', lastErrorCode: 'timeout' });
    expect(calls.filter((call) => call.notificationId === id)).toHaveLength(3);
  });

  it('gives up after SEND_MAX_RETRIES retries and publishes notification.failed', async () => {
    const { provider, calls } = scriptedProvider(Array.from({ length: 10 }, () => new ProviderError('gateway 500', true, '500')));
    override = provider;
    const id = await sendAdHoc();
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: h.config.SEND_MAX_RETRIES + 1, lastErrorCode: '500' });
    expect(calls.filter((call) => call.notificationId === id)).toHaveLength(h.config.SEND_MAX_RETRIES + 1);
    const failed = await h.orm.em.fork().findOneOrFail(OutboxEvent, { messageKey: id, type: 'chargesol.notification.failed' });
    expect(failed.payload).toMatchObject({ data: { notificationId: id, errorCode: '500', errorMessage: 'gateway 500' } });
  });

  it('fails a permanent error at once with the gateway code', async () => {
    const { provider, calls } = scriptedProvider([new ProviderError('The To number is not valid', false, '21211')]);
    override = provider;
    const id = await sendAdHoc();
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: '21211', lastErrorMessage: 'The To number is not valid' });
    expect(calls).toHaveLength(1);
  });

  it('a message with no address fails with that reason', async () => {
    const response = await api()
      .post('/api/v1/notifications')
      .set(auth())
      .send({ recipient: { id: randomUUID() }, channel: 'email', subject: 'Hi', body: 'x', contextType: 'lead' })
      .expect(201);
    const row = await settled(response.body.id);
    expect(row).toMatchObject({ status: 'failed', lastErrorCode: 'recipient.no_address' });
  });

  it('holds customer SMS in quiet hours until the window ends; email and emergencies go at once', async () => {
    const lateEvening = new Date('2026-11-21T23:00:00+05:30');
    h.clock.set(lateEvening);
    const held = await sendAdHoc();
    const emergency = await sendAdHoc({ contextType: 'emergency', body: 'Gas leak reported near your charger' });
    const email = await sendAdHoc({ channel: 'email', recipient: { id: `cust:${randomPhone()}`, address: 'a@example.com' }, subject: 'S' });
    expect((await settled(emergency)).status).toBe('sent');
    expect((await settled(email)).status).toBe('sent');
    const waiting = await eventually(async () => {
      const row = await find(held);
      return row.nextAttemptAt.getTime() === new Date('2026-11-22T09:00:00+05:30').getTime() ? row : null;
    }, 'the SMS to be held until 09:00 IST');
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0 });

    h.clock.set(new Date('2026-11-22T09:00:30+05:30'));
    expect(await settled(held)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a claimed row whose send never finished is sent again after its lease, once', async () => {
    const em = h.orm.em.fork();
    // As a crashed dispatcher leaves it: claimed (attempt 1), lease running for 10 more minutes.
    const row = em.create(Notification, {
      recipientId: `cust:${randomPhone()}`,
      channel: 'sms',
      body: 'after a crash',
      contextType: 'lead',
      address: randomPhone(),
      attempts: 1,
      nextAttemptAt: new Date(h.clock.now().getTime() + 10 * 60_000),
    });
    await em.flush();
    const dispatcher = h.app.get(Dispatcher);
    await dispatcher.dispatchDue();
    expect(await find(row.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(h.app.get(SandboxProvider).lastFor(row.id)).toBeUndefined();

    h.clock.set(new Date(h.clock.now().getTime() + 11 * 60_000));
    expect(await settled(row.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(h.app.get(SandboxProvider).sent().filter((d) => d.notificationId === row.id)).toHaveLength(1);
  });

  it('concurrent dispatchers never send the same notification twice', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => sendAdHoc()));
    const dispatcher = h.app.get(Dispatcher);
    await Promise.all([dispatcher.dispatchDue(), dispatcher.dispatchDue(), dispatcher.dispatchDue()]);
    for (const id of ids) await settled(id);
    const sent = h.app.get(SandboxProvider).sent();
    for (const id of ids) expect(sent.filter((d) => d.notificationId === id)).toHaveLength(1);
  });

  // Last: it stops this harness's dispatcher.
  it('a shutdown does not wait for the rest of a claimed batch: the unsent rows stay leased, to be sent after the lease', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    override = {
      name: 'slow',
      supports: () => true,
      send: async (message) => {
        calls.push(message.notificationId);
        await gate;
        return { gatewayMessageId: `slow-${calls.length}`, provider: 'slow' };
      },
    };
    const ids = await Promise.all(Array.from({ length: 30 }, () => sendAdHoc()));
    await eventually(async () => calls.length > 0, 'the first send to start');
    const dispatcher = h.app.get(Dispatcher);
    const stopped = dispatcher.onModuleDestroy();
    release();
    await stopped;
    const rows = await Promise.all(ids.map(find));
    const sent = rows.filter((row) => row.status === 'sent');
    // Only the sends already under way finished (at most one per sender of each loop).
    expect(sent.length).toBe(calls.length);
    expect(calls.length).toBeLessThan(ids.length);
    for (const row of rows.filter((r) => r.status === 'queued' && r.attempts === 1)) {
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(h.clock.now().getTime());
    }
    expect(rows.every((row) => row.status === 'sent' || row.status === 'queued')).toBe(true);
  });
});

