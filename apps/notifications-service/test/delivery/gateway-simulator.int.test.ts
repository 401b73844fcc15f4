import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventWebhook } from '@sendgrid/eventwebhook';
import twilio from 'twilio';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { SendGridProvider } from '../../src/delivery/sendgrid.provider.js';
import { TwilioProvider } from '../../src/delivery/twilio.provider.js';

const { accountSid, authToken } = SIMULATOR_DEFAULTS.twilio;
const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

async function postSms(simulator: GatewaySimulator, to = '+919812345678'): Promise<number> {
  const response = await fetch(`${simulator.baseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: to, From: '+911140001000', Body: 'x' }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('gateway simulator', () => {
  let simulator: GatewaySimulator;
  beforeEach(async () => {
    simulator = await GatewaySimulator.start({ seed: 7 });
  });
  afterEach(() => simulator.close());

  it('fails exactly the next N requests for the named gateway, then succeeds, recording each answer', async () => {
    simulator.failNext(2, 'server-error', 'twilio-message').failNext(1, 'rate-limited', 'sendgrid');
    const statuses = [await postSms(simulator), await postSms(simulator), await postSms(simulator)];
    expect(statuses).toEqual([500, 500, 201]);
    expect(simulator.requests.map((request) => request.status)).toEqual([500, 500, 201]);
  });

  it('a random failure ratio is repeatable for a seed', async () => {
    const run = async () => {
      const again = await GatewaySimulator.start({ seed: 7 });
      again.setFailureRatio(0.5);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push(await postSms(again));
      await again.close();
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(201);
  });

  it('rejects wrong credentials and unknown routes like the real gateways', async () => {
    const wrongAuth = await fetch(`${simulator.baseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: 'Basic bm86bm8=', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B919812345678&From=%2B911140001000&Body=x',
    });
    expect(wrongAuth.status).toBe(401);
    expect(await wrongAuth.json()).toMatchObject({ code: 20003 });
    const unknown = await fetch(`${simulator.baseUrl}/v3/templates`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });

  it('answers Twilio’s magic numbers with their permanent errors', async () => {
    expect(await postSms(simulator, '+15005550001')).toBe(400);
    expect(await postSms(simulator, '+15005550004')).toBe(400);
  });
});

describe('gateway simulator callbacks', () => {
  let simulator: GatewaySimulator;
  let service: Server;
  let serviceUrl: string;
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    service = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });
  beforeEach(async () => {
    received.length = 0;
    simulator = await GatewaySimulator.start({
      deliverCallbacksTo: serviceUrl,
      autoStatusCallbacks: ['sent', 'delivered'],
      autoCallStatusCallbacks: ['ringing', 'completed'],
      autoCallbackDelayMs: 1,
    });
  });
  afterEach(() => simulator.close());
  afterAll(() => new Promise<void>((resolve) => service.close(() => resolve())));

  it('posts Twilio status callbacks signed over the StatusCallback URL, to the service wherever it listens', async () => {
    const provider = new TwilioProvider({
      ...SIMULATOR_DEFAULTS.twilio,
      smsFrom: '+911140001000',
      apiBaseUrl: simulator.baseUrl,
      statusCallbackUrl: 'https://notify.chargesol.example/webhooks/twilio/status',
      timeoutMs: 2000,
    });
    const { gatewayMessageId } = await provider.send({ notificationId: 'n', channel: 'sms', to: '+919812345678', body: 'x' });
    await simulator.callbacksSettled();

    expect(received.map((post) => post.path)).toEqual(['/webhooks/twilio/status', '/webhooks/twilio/status']);
    const params = received.map((post) => Object.fromEntries(new URLSearchParams(post.body)));
    expect(params.map((p) => [p.MessageSid, p.MessageStatus])).toEqual([
      [gatewayMessageId, 'sent'],
      [gatewayMessageId, 'delivered'],
    ]);
    for (const [index, post] of received.entries()) {
      const signature = String(post.headers['x-twilio-signature']);
      const url = 'https://notify.chargesol.example/webhooks/twilio/status';
      expect(twilio.validateRequest(SIMULATOR_DEFAULTS.twilio.authToken, signature, url, params[index])).toBe(true);
      expect(twilio.validateRequest('another-token', signature, url, params[index])).toBe(false);
    }
  });

  it('posts call progress callbacks with CallStatus, and duration and AnsweredBy once completed', async () => {
    const provider = new TwilioProvider({
      ...SIMULATOR_DEFAULTS.twilio,
      voiceFrom: '+911140002000',
      apiBaseUrl: simulator.baseUrl,
      statusCallbackUrl: `${serviceUrl}/webhooks/twilio/status`,
      timeoutMs: 2000,
    });
    const { gatewayMessageId } = await provider.send({ notificationId: 'n', channel: 'call', to: '+919812345678', body: 'x' });
    await simulator.callbacksSettled();

    const params = received.map((post) => Object.fromEntries(new URLSearchParams(post.body)));
    expect(params).toEqual([
      expect.objectContaining({ CallSid: gatewayMessageId, CallStatus: 'ringing' }),
      expect.objectContaining({ CallSid: gatewayMessageId, CallStatus: 'completed', CallDuration: '42', AnsweredBy: 'human' }),
    ]);
    expect(params[0]).not.toHaveProperty('CallDuration');
  });

  it('posts SendGrid events with the notification id and a signature @sendgrid/eventwebhook accepts', async () => {
    const provider = new SendGridProvider({ apiKey: SIMULATOR_DEFAULTS.sendgrid.apiKey, from: 'no-reply@chargesol.in', apiBaseUrl: simulator.baseUrl, timeoutMs: 2000 });
    const { gatewayMessageId } = await provider.send({ notificationId: 'n-42', channel: 'email', to: 'asha@example.com', subject: 's', body: 'b' });
    const events = [simulator.sendGridEventFor(gatewayMessageId, 'delivered')];
    await simulator.postSendGridEvents(`${serviceUrl}/webhooks/sendgrid/events`, events);

    const [post] = received;
    expect(JSON.parse(post.body)).toEqual([expect.objectContaining({ event: 'delivered', notificationId: 'n-42', email: 'asha@example.com' })]);
    expect((JSON.parse(post.body) as { sg_message_id: string }[])[0].sg_message_id.startsWith(`${gatewayMessageId}.`)).toBe(true);
    const verifier = new EventWebhook();
    const key = verifier.convertPublicKeyToECDSA(simulator.sendGridWebhookPublicKey);
    const signature = String(post.headers['x-twilio-email-event-webhook-signature']);
    const timestamp = String(post.headers['x-twilio-email-event-webhook-timestamp']);
    expect(verifier.verifySignature(key, post.body, signature, timestamp)).toBe(true);
    expect(verifier.verifySignature(key, post.body.replace('delivered', 'bounce'), signature, timestamp)).toBe(false);
  });
});
