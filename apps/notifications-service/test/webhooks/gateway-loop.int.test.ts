import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { eventually, freePort } from '../../../../test/support/service-process.js';
import { CallLog } from '../../src/call-logs/call-log.entity.js';
import { ReceiptReconciler } from '../../src/webhooks/receipt-reconciler.js';
import { PUBLIC_BASE_URL, randomPhone, startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

/**
 * The whole loop with the real SDKs: the dispatcher sends through Twilio / SendGrid (the gateway
 * simulator), the simulator calls back over HTTP with real signatures, and the notification ends
 * delivered. Callbacks may overtake the dispatcher's commit; the reconciler heals that.
 */
async function abandonLeftoverQueue(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.NOTIFICATIONS_DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `update notification set status = 'failed', last_error_code = 'test.left_by_earlier_suite', updated_at = now()
        where status = 'queued'`,
    );
  } finally {
    await client.end();
  }
}

describe('send → gateway → signed callback → delivered (gateway simulator, real PostgreSQL)', () => {
  let simulator: GatewaySimulator;
  let h: WebhookHarness;
  let token: string;

  beforeAll(async () => {
    // Earlier suites share this database and may leave sendable rows behind (a fuzzed backlog of
    // SMS, leases that ran out). This app would send them first, through the simulator's 20/s rate
    // limit, ahead of the messages this suite waits for: they are taken out of the queue first.
    await abandonLeftoverQueue();
    const port = await freePort();
    simulator = await GatewaySimulator.start({
      deliverCallbacksTo: `http://127.0.0.1:${port}`,
      autoStatusCallbacks: ['queued', 'sent', 'delivered'],
      autoCallStatusCallbacks: ['initiated', 'ringing', 'in-progress', 'completed'],
      autoCallbackDelayMs: 50,
    });
    h = await startWebhookHarness({
      TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
      TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
      TWILIO_API_BASE_URL: simulator.baseUrl,
      TWILIO_SMS_FROM: '+911140001000',
      TWILIO_VOICE_FROM: '+911140002000',
      SENDGRID_API_KEY: SIMULATOR_DEFAULTS.sendgrid.apiKey,
      SENDGRID_API_BASE_URL: simulator.baseUrl,
      SENDGRID_WEBHOOK_PUBLIC_KEY: simulator.sendGridWebhookPublicKey,
      QUIET_HOURS: 'off',
    });
    await h.app.listen(port, '127.0.0.1');
    token = await h.token('central_ops');
  }, 60_000);

  afterAll(async () => {
    await simulator?.close();
    await h?.close();
  });

  const http = () => request(h.app.getHttpServer());
  const send = (channel: 'sms' | 'call' | 'email', contextId: string, address: string) =>
    http()
      .post('/api/v1/notifications')
      .set('authorization', `Bearer ${token}`)
      .send({
        recipient: { id: `cust:${randomPhone()}`, address },
        channel,
        ...(channel === 'email' ? { subject: 'Your survey' } : {}),
        body: 'Your site survey is on 3 December.',
        contextType: 'survey',
        contextId,
      });
  const detail = async (id: string) =>
    (await http().get(`/api/v1/notifications/${id}`).set('authorization', `Bearer ${token}`)).body as {
      status: string;
      gatewayMessageId: string | null;
      deliveredAt: string | null;
      receipts: { status: string }[];
    };
  const delivered = (id: string) =>
    eventually(async () => {
      // The reconciler also runs on its own timer; calling it makes the wait short.
      await h.app.get(ReceiptReconciler).reconcile();
      const current = await detail(id);
      return current.status === 'delivered' ? current : undefined;
    }, 30_000, `notification ${id} delivered`);

  it('an SMS ends delivered with sent and delivered receipts; every callback was answered 200', async () => {
    const created = await send('sms', randomUUID(), randomPhone());
    expect(created.status).toBe(201);

    const after = await delivered(created.body.id);
    expect(after.deliveredAt).not.toBeNull();
    expect(after.receipts.map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
    await simulator.callbacksSettled();
    expect(simulator.callbacks.length).toBeGreaterThanOrEqual(3);
    expect(simulator.callbacks.every((callback) => callback.status === 200)).toBe(true);
  }, 40_000);

  it('a voice call ends delivered and is logged as a connected survey confirmation with its duration', async () => {
    const contextId = randomUUID();
    const phone = randomPhone();
    const created = await send('call', contextId, phone);
    expect(created.status).toBe(201);

    await delivered(created.body.id);
    const logs = await h.em().find(CallLog, { contextId });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ calleePhone: phone, callType: 'survey_confirmation', outcome: 'connected', durationSeconds: 42 });
  }, 40_000);

  it('an email is delivered by signed SendGrid events matched on customArgs', async () => {
    const created = await send('email', randomUUID(), 'asha.rao@example.com');
    expect(created.status).toBe(201);
    const sent = await eventually(async () => {
      const current = await detail(created.body.id);
      return current.gatewayMessageId ? current : undefined;
    }, 30_000, 'the email sent');

    const events = ['processed', 'delivered'].map((event) => simulator.sendGridEventFor(sent.gatewayMessageId!, event));
    const result = await simulator.postSendGridEvents(`${PUBLIC_BASE_URL}/webhooks/sendgrid/events`, events);
    expect(result.status).toBe(200);
    const after = await delivered(created.body.id);
    expect(after.receipts.map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
  }, 40_000);
});
