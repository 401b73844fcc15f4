import { Test, type TestingModule } from '@nestjs/testing';
import { register } from 'prom-client';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { loadNotificationsConfig } from '../../src/config.js';
import { DeliveryModule } from '../../src/delivery/delivery.module.js';
import { ProviderRegistry } from '../../src/delivery/provider-registry.js';
import { SandboxProvider } from '../../src/delivery/sandbox.provider.js';

describe('DeliveryModule wired from environment variables', () => {
  let simulator: GatewaySimulator;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    simulator = await GatewaySimulator.start();
    const config = loadNotificationsConfig({
      TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
      TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
      TWILIO_SMS_FROM: '+911140001000',
      TWILIO_WHATSAPP_FROM: '+14155238886',
      TWILIO_VOICE_FROM: '+911140002000',
      TWILIO_API_BASE_URL: simulator.baseUrl,
      SENDGRID_API_KEY: SIMULATOR_DEFAULTS.sendgrid.apiKey,
      SENDGRID_API_BASE_URL: simulator.baseUrl,
      EMAIL_FROM: 'ops@chargesol.in',
      PUBLIC_BASE_URL: 'https://notify.chargesol.example',
      DELIVERY_TIMEOUT_MS: '2000',
    });
    moduleRef = await Test.createTestingModule({ imports: [DeliveryModule.register(config)] }).compile();
    await moduleRef.init();
  });
  afterAll(async () => {
    await moduleRef?.close();
    await simulator.close();
  });

  it('routes sms, whatsapp and call to Twilio and email to SendGrid at the configured hosts, push to the sandbox', async () => {
    const registry = moduleRef.get(ProviderRegistry);
    const sandbox = moduleRef.get(SandboxProvider);
    const to = '+919812345678';

    const results = [
      await registry.forChannel('sms').send({ notificationId: 'a', channel: 'sms', to, body: 'sms body' }),
      await registry.forChannel('whatsapp').send({ notificationId: 'b', channel: 'whatsapp', to, body: 'wa body' }),
      await registry.forChannel('call').send({ notificationId: 'c', channel: 'call', to, body: 'call body' }),
      await registry.forChannel('email').send({ notificationId: 'd', channel: 'email', to: 'asha@example.com', subject: 'S', body: 'email body' }),
      await registry.forChannel('push').send({ notificationId: 'e', channel: 'push', to: 'device-token-123456', body: 'push body' }),
    ];

    expect(results.map((result) => result.provider)).toEqual(['twilio', 'twilio', 'twilio', 'sendgrid', 'sandbox']);
    expect(simulator.requests.map((request) => request.target)).toEqual(['twilio-message', 'twilio-message', 'twilio-call', 'sendgrid']);
    for (const request of simulator.requests.filter((r) => r.target !== 'sendgrid')) {
      expect(request.form.StatusCallback).toBe('https://notify.chargesol.example/webhooks/twilio/status');
    }
    expect(simulator.requestsTo('sendgrid')[0].json).toMatchObject({ from: { email: 'ops@chargesol.in' } });
    expect(sandbox.lastFor('e')?.gatewayMessageId).toBe(results[4].gatewayMessageId);
  });

  it('counts gateway requests by provider, channel and outcome for /metrics', async () => {
    const registry = moduleRef.get(ProviderRegistry);
    const count = async (outcome: string) => {
      const metric = register.getSingleMetric('notifications_gateway_requests_total');
      const values = metric ? (await metric.get()).values : [];
      return values.find((value) => value.labels.provider === 'twilio' && value.labels.channel === 'sms' && value.labels.outcome === outcome)?.value ?? 0;
    };
    const before = { accepted: await count('accepted'), transient: await count('transient_error'), permanent: await count('permanent_error') };

    await registry.forChannel('sms').send({ notificationId: 'e', channel: 'sms', to: '+919812345678', body: 'x' });
    simulator.failNext(1, 'server-error', 'twilio-message');
    await expect(registry.forChannel('sms').send({ notificationId: 'f', channel: 'sms', to: '+919812345678', body: 'x' })).rejects.toMatchObject({
      transient: true,
    });
    await expect(registry.forChannel('sms').send({ notificationId: 'g', channel: 'sms', to: '12', body: 'x' })).rejects.toMatchObject({
      transient: false,
    });

    expect(await count('accepted')).toBe(before.accepted + 1);
    expect(await count('transient_error')).toBe(before.transient + 1);
    expect(await count('permanent_error')).toBe(before.permanent + 1);
    expect(await register.metrics()).toContain('notifications_gateway_request_seconds_bucket');
  });
});
