import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { type OutboundMessage, ProviderError } from '../../src/delivery/provider.js';
import { TwilioProvider, type TwilioSettings } from '../../src/delivery/twilio.provider.js';

const CALLBACK = 'http://127.0.0.1:3002/webhooks/twilio/status';
const CUSTOMER = '+919812345678';

describe('TwilioProvider (real twilio SDK) against the gateway simulator', () => {
  let simulator: GatewaySimulator;
  let provider: TwilioProvider;
  const settings = (overrides: Partial<TwilioSettings> = {}): TwilioSettings => ({
    ...SIMULATOR_DEFAULTS.twilio,
    smsFrom: '+911140001000',
    whatsappFrom: '+14155238886',
    voiceFrom: '+911140002000',
    apiBaseUrl: simulator.baseUrl,
    statusCallbackUrl: CALLBACK,
    timeoutMs: 500,
    ...overrides,
  });

  beforeAll(async () => {
    simulator = await GatewaySimulator.start();
    provider = new TwilioProvider(settings());
  });
  afterEach(() => simulator.reset());
  afterAll(() => simulator.close());

  async function sendFailure(message: OutboundMessage = { notificationId: 'n-1', channel: 'sms', to: CUSTOMER, body: 'hi' }) {
    const error = await provider.send(message).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }

  it('sends an SMS to Messages.json with To, From, Body and the status callback, and returns the SM sid', async () => {
    const result = await provider.send({ notificationId: 'n-1', channel: 'sms', to: CUSTOMER, body: 'Your survey is on 3 Dec.' });

    const [request] = simulator.requestsTo('twilio-message');
    expect(request.path).toBe(`/2010-04-01/Accounts/${SIMULATOR_DEFAULTS.twilio.accountSid}/Messages.json`);
    expect(request.form).toEqual({ To: CUSTOMER, From: '+911140001000', Body: 'Your survey is on 3 Dec.', StatusCallback: CALLBACK });
    expect(result).toEqual({ gatewayMessageId: request.gatewayMessageId, provider: 'twilio' });
    expect(result.gatewayMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('prefers the message’s own status callback URL', async () => {
    await provider.send({ notificationId: 'n-2', channel: 'sms', to: CUSTOMER, body: 'x', statusCallbackUrl: 'http://cb.example/hook' });
    expect(simulator.requestsTo('twilio-message')[0].form.StatusCallback).toBe('http://cb.example/hook');
  });

  it('sends WhatsApp with whatsapp: prefixed To and From, even when the configured sender already has it', async () => {
    const prefixed = new TwilioProvider(settings({ whatsappFrom: 'whatsapp:+14155238886' }));
    for (const sender of [provider, prefixed]) {
      await sender.send({ notificationId: 'n-3', channel: 'whatsapp', to: CUSTOMER, body: 'Namaste' });
    }

    const forms = simulator.requestsTo('twilio-message').map((request) => request.form);
    expect(forms).toHaveLength(2);
    for (const form of forms) {
      expect(form).toMatchObject({ To: `whatsapp:${CUSTOMER}`, From: 'whatsapp:+14155238886', Body: 'Namaste', StatusCallback: CALLBACK });
    }
  });

  it('places a call through Calls.json with TwiML <Say> in en-IN and call status events', async () => {
    const result = await provider.send({ notificationId: 'n-4', channel: 'call', to: CUSTOMER, body: 'Your installer arrives at 10 & leaves by 2.' });

    const [request] = simulator.requestsTo('twilio-call');
    expect(request.path).toBe(`/2010-04-01/Accounts/${SIMULATOR_DEFAULTS.twilio.accountSid}/Calls.json`);
    expect(request.form).toMatchObject({
      To: CUSTOMER,
      From: '+911140002000',
      StatusCallback: CALLBACK,
      StatusCallbackMethod: 'POST',
      MachineDetection: 'Enable',
    });
    expect(request.form.StatusCallbackEvent).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(request.form.Twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-IN">Your installer arrives at 10 &amp; leaves by 2.</Say></Response>',
    );
    expect(result.gatewayMessageId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(simulator.requestsTo('twilio-message')).toHaveLength(0);
  });

  it.each([
    ['server-error', '20500'],
    ['rate-limited', '20429'],
  ] as const)('a %s answer is a transient ProviderError carrying Twilio’s code', async (failure, code) => {
    simulator.failNext(1, failure);
    const error = await sendFailure();
    expect(error).toMatchObject({ transient: true, code });
  });

  it('a 5xx without a Twilio body is transient with the HTTP status as code', async () => {
    simulator.failNext(1, { status: 503, body: 'upstream unavailable' });
    expect(await sendFailure()).toMatchObject({ transient: true, code: '503' });
  });

  it('a hung gateway becomes a transient timeout once the SDK request timeout passes', async () => {
    simulator.failNext(1, 'hang');
    const error = await sendFailure();
    expect(error).toMatchObject({ transient: true, code: 'timeout' });
    expect(simulator.requestsTo('twilio-message')[0].status).toBeNull();
  });

  it('a refused connection is a transient network error', async () => {
    const closed = await GatewaySimulator.start();
    const url = closed.baseUrl;
    await closed.close();
    const unreachable = new TwilioProvider(settings({ apiBaseUrl: url }));
    const error = await unreachable.send({ notificationId: 'n-5', channel: 'sms', to: CUSTOMER, body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ transient: true, code: 'network' });
  });

  it('an invalid number (21211) is permanent, keeps Twilio’s code, and does not repeat the number', async () => {
    const error = await sendFailure({ notificationId: 'n-6', channel: 'sms', to: '9812345678', body: 'x' });
    expect(error).toMatchObject({ transient: false, code: '21211' });
    expect(error.message).toContain('is not a valid phone number');
    expect(error.message).not.toContain('9812345678');
  });

  it('an injected 21211 and an unsubscribed recipient (21610) are permanent with their codes', async () => {
    simulator.failNext(1, 'invalid-number');
    expect(await sendFailure()).toMatchObject({ transient: false, code: '21211' });
    expect(await sendFailure({ notificationId: 'n-7', channel: 'whatsapp', to: '+15005550004', body: 'x' })).toMatchObject({
      transient: false,
      code: '21610',
    });
  });

  it('wrong credentials are a permanent authentication failure (20003)', async () => {
    const wrong = new TwilioProvider(settings({ authToken: 'not-the-token' }));
    const error = await wrong.send({ notificationId: 'n-8', channel: 'sms', to: CUSTOMER, body: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false, code: '20003' });
  });

  it('keeps talking to the simulator even when TWILIO_REGION/TWILIO_EDGE are in the environment', async () => {
    process.env.TWILIO_REGION = 'au1';
    process.env.TWILIO_EDGE = 'sydney';
    try {
      // a name, not an IP: the SDK's rewrite cannot touch an IPv4 host, but would turn localhost into localhost.sydney.au1…
      const regional = new TwilioProvider(settings({ apiBaseUrl: simulator.baseUrl.replace('127.0.0.1', 'localhost') }));
      await regional.send({ notificationId: 'n-10', channel: 'sms', to: CUSTOMER, body: 'x' });
      expect(simulator.requestsTo('twilio-message')).toHaveLength(1);
    } finally {
      delete process.env.TWILIO_REGION;
      delete process.env.TWILIO_EDGE;
    }
  });

  it('a channel without a configured sender fails permanently before calling out', async () => {
    const noVoice = new TwilioProvider(settings({ voiceFrom: undefined }));
    const error = await noVoice.send({ notificationId: 'n-9', channel: 'call', to: CUSTOMER, body: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false, code: 'not_configured' });
    expect(simulator.requests).toHaveLength(0);
  });
});
