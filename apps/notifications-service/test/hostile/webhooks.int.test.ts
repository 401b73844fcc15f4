import { sign } from 'node:crypto';
import fc from 'fast-check';
import twilio from 'twilio';
import { assertHandled, assertRejected, brokenJson, hostileString, RUNS, PROPERTY_TIMEOUT } from '../../../../test/security/hostile.js';
import { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } from '../webhooks/webhook-harness.js';
import { startHostileNotificationsApp, type HostileNotificationsApp } from './hostile-app.js';

const TWILIO_PATHS = ['/webhooks/twilio/status', '/webhooks/twilio/inbound'] as const;

/** Form parameters as Twilio would post them, but with any names and values. */
const formParams = fc.dictionary(
  fc.oneof(fc.constantFrom('MessageSid', 'MessageStatus', 'CallSid', 'CallStatus', 'From', 'To', 'Body', 'ErrorCode', 'OptOutType'), fc.string({ maxLength: 20 })),
  hostileString.filter((s) => s.length < 20_000),
  { maxKeys: 8 },
);

/**
 * Gateway webhooks under hostile input. Without a valid signature any body — random form fields,
 * random JSON, noise — is refused with 403 problem+json before it is read. With a valid signature
 * (a gateway's bug, or a leaked secret) hostile content is still never a 5xx.
 */
describe('notifications-service webhooks under hostile input (property-based)', () => {
  let t: HostileNotificationsApp;

  beforeAll(async () => {
    t = await startHostileNotificationsApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(async () => {
    await t.live();
  });

  it('Twilio webhooks: random form bodies with no or a wrong signature are 403', async () => {
    const signature = fc.option(fc.oneof(fc.base64String({ maxLength: 60 }), fc.string({ unit: 'binary-ascii', maxLength: 60 })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TWILIO_PATHS), formParams, signature, async (path, params, sig) => {
        const call = t.http().post(path).type('form');
        if (sig !== undefined && /^[\x20-\x7e]*$/.test(sig)) call.set('X-Twilio-Signature', sig);
        const response = await call.send(params);
        expect(response.status).toBe(403);
        assertRejected(response, `${path} ${JSON.stringify(params).slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('Twilio webhooks: a body signed with another token is 403', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TWILIO_PATHS), formParams, async (path, params) => {
        const strings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
        const wrong = twilio.getExpectedTwilioSignature('not-the-token', PUBLIC_BASE_URL + path, strings);
        const response = await t.http().post(path).type('form').set('X-Twilio-Signature', wrong).send(strings);
        expect(response.status).toBe(403);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('Twilio webhooks: JSON, noise or an empty body without a signature is a 4xx problem', async () => {
    const types = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TWILIO_PATHS), fc.constantFrom(...types), brokenJson, async (path, type, body) => {
        const response = await t.http().post(path).set('content-type', type).send(body);
        assertRejected(response, `${path} ${type}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('Twilio webhooks: hostile content with a VALID signature is never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TWILIO_PATHS), formParams, async (path, params) => {
        // Form encoding carries strings only; the signature is over what the service will parse.
        const strings = Object.fromEntries(Object.entries(params).map(([k, v]) => [k.replace(/[\[\]]/g, '_'), String(v)]));
        const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL + path, strings);
        const response = await t.http().post(path).type('form').set('X-Twilio-Signature', signature).send(strings);
        assertHandled(response, `${path} signed ${JSON.stringify(strings).slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('SendGrid events: random JSON with no or a wrong signature is 403', async () => {
    const headers = fc.record(
      { signature: fc.base64String({ maxLength: 120 }), timestamp: fc.oneof(fc.integer().map(String), fc.string({ unit: 'binary-ascii', maxLength: 12 })) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), headers, async (events, h) => {
        const call = t.http().post('/webhooks/sendgrid/events').set('content-type', 'application/json');
        if (h.signature) call.set('X-Twilio-Email-Event-Webhook-Signature', h.signature);
        if (h.timestamp && /^[\x20-\x7e]*$/.test(h.timestamp)) call.set('X-Twilio-Email-Event-Webhook-Timestamp', h.timestamp);
        const response = await call.send(JSON.stringify(events));
        expect(response.status).toBe(403);
        assertRejected(response, `sendgrid ${JSON.stringify(events).slice(0, 200)}`);
      }),
      {
        numRuns: RUNS,
        // Once found by a random run: prototype-poisoning keys used to fail the JSON parse (400)
        // before the signature guard could refuse the request.
        examples: [
          [JSON.parse('[{"__proto__":false},{}]') as fc.JsonValue, {}],
          [JSON.parse('{"constructor":{"prototype":{"x":1}}}') as fc.JsonValue, { signature: 'AAAA' }],
        ],
      },
    );
  }, PROPERTY_TIMEOUT);

  it('SendGrid events: broken JSON without a signature is a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(brokenJson, async (body) => {
        const response = await t.http().post('/webhooks/sendgrid/events').set('content-type', 'application/json').send(body);
        assertRejected(response, `sendgrid broken ${JSON.stringify(body).slice(0, 100)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('SendGrid events: hostile JSON with a VALID signature is never a 5xx', async () => {
    const event = fc.dictionary(
      fc.oneof(fc.constantFrom('event', 'sg_message_id', 'sg_event_id', 'timestamp', 'notificationId', 'reason', 'email'), fc.string({ maxLength: 10 })),
      fc.oneof(hostileString.filter((s) => s.length < 10_000), fc.jsonValue({ maxDepth: 1 })),
      { maxKeys: 7 },
    );
    const batch = fc.oneof(fc.array(event, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }));
    await fc.assert(
      fc.asyncProperty(batch, async (events) => {
        const payload = JSON.stringify(events);
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signature = sign('sha256', Buffer.from(timestamp + payload), t.sendgridPrivateKey).toString('base64');
        const response = await t
          .http()
          .post('/webhooks/sendgrid/events')
          .set('content-type', 'application/json')
          .set('X-Twilio-Email-Event-Webhook-Signature', signature)
          .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
          .send(payload);
        assertHandled(response, `sendgrid signed ${payload.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
  }, PROPERTY_TIMEOUT);

  it('webhook bodies over the 256 KB webhook limit are a 4xx problem, signed or not', async () => {
    const big = { Body: 'x'.repeat(300 * 1024), MessageSid: 'SM1' };
    for (const path of TWILIO_PATHS) {
      const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL + path, big);
      const response = await t.http().post(path).type('form').set('X-Twilio-Signature', signature).send(big);
      assertRejected(response, `${path} 300 KB`);
    }
    const response = await t.http().post('/webhooks/sendgrid/events').set('content-type', 'application/json').send(JSON.stringify([{ x: 'y'.repeat(2_000_000) }]));
    expect(response.status).toBe(413);
    assertRejected(response, 'sendgrid 2 MB');
  }, 120_000);
});
