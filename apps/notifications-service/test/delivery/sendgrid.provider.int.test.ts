import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { ProviderError, type OutboundMessage } from '../../src/delivery/provider.js';
import { SendGridProvider, type SendGridSettings } from '../../src/delivery/sendgrid.provider.js';

const EMAIL: OutboundMessage = {
  notificationId: '5b0c8a52-6f0e-4a1b-9d55-0f4b7a9c2e11',
  channel: 'email',
  to: 'asha.rao@example.com',
  subject: 'Your site survey is scheduled',
  body: 'Hi Asha, the survey is on 3 Dec at 10:00.',
  html: '<p>Hi Asha, the survey is on <b>3 Dec</b> at 10:00.</p>',
};

describe('SendGridProvider (real @sendgrid/mail SDK) against the gateway simulator', () => {
  let simulator: GatewaySimulator;
  let provider: SendGridProvider;
  const settings = (overrides: Partial<SendGridSettings> = {}): SendGridSettings => ({
    apiKey: SIMULATOR_DEFAULTS.sendgrid.apiKey,
    from: 'no-reply@chargesol.in',
    apiBaseUrl: simulator.baseUrl,
    timeoutMs: 500,
    ...overrides,
  });

  beforeAll(async () => {
    simulator = await GatewaySimulator.start();
    provider = new SendGridProvider(settings());
  });
  afterEach(() => simulator.reset());
  afterAll(() => simulator.close());

  async function failure(sender = provider, message = EMAIL): Promise<ProviderError> {
    const error = await sender.send(message).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }

  it('posts /v3/mail/send with personalizations, from, subject, text + html and customArgs; the id is x-message-id', async () => {
    const result = await provider.send(EMAIL);

    const [request] = simulator.requestsTo('sendgrid');
    expect(request.headers.authorization).toBe(`Bearer ${SIMULATOR_DEFAULTS.sendgrid.apiKey}`);
    expect(request.json).toEqual({
      personalizations: [{ to: [{ email: 'asha.rao@example.com' }] }],
      from: { email: 'no-reply@chargesol.in' },
      subject: 'Your site survey is scheduled',
      content: [
        { type: 'text/plain', value: EMAIL.body },
        { type: 'text/html', value: EMAIL.html },
      ],
      // the SDK writes SendGrid's wire name; events echo these keys back
      custom_args: { notificationId: EMAIL.notificationId },
    });
    expect(result).toEqual({ gatewayMessageId: request.gatewayMessageId, provider: 'sendgrid' });
    expect(result.gatewayMessageId).toMatch(/^[\w-]{22}$/);
  });

  it('sends text only when there is no HTML', async () => {
    await provider.send({ ...EMAIL, html: undefined });
    expect((simulator.requestsTo('sendgrid')[0].json as { content: unknown }).content).toEqual([{ type: 'text/plain', value: EMAIL.body }]);
  });

  it('two providers with different keys and hosts do not share the SDK singleton', async () => {
    const other = await GatewaySimulator.start({ sendgrid: { apiKey: 'SG.other' } });
    try {
      const second = new SendGridProvider(settings({ apiKey: 'SG.other', apiBaseUrl: other.baseUrl }));
      await second.send(EMAIL);
      await provider.send(EMAIL);
      expect(other.requestsTo('sendgrid')).toHaveLength(1);
      expect(simulator.requestsTo('sendgrid')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it.each([
    ['server-error', '500'],
    ['rate-limited', '429'],
  ] as const)('a %s answer is a transient ProviderError', async (kind, code) => {
    simulator.failNext(1, kind, 'sendgrid');
    expect(await failure()).toMatchObject({ transient: true, code });
  });

  it('a hung gateway becomes a transient timeout', async () => {
    simulator.failNext(1, 'hang');
    expect(await failure()).toMatchObject({ transient: true, code: 'timeout' });
  });

  it('an invalid address (400) is permanent with SendGrid’s field and message, address not echoed', async () => {
    simulator.failNext(1, 'invalid-number', 'sendgrid');
    const error = await failure();
    expect(error).toMatchObject({ transient: false, code: '400' });
    expect(error.message).toBe('sendgrid: personalizations.0.to.0.email: Does not contain a valid address.');
  });

  it('a wrong API key is a permanent 401', async () => {
    const wrong = new SendGridProvider(settings({ apiKey: 'SG.wrong' }));
    const error = await failure(wrong);
    expect(error).toMatchObject({ transient: false, code: '401' });
    expect(error.message).toContain('authorization grant is invalid');
  });

  it('an email without a subject fails permanently before calling out', async () => {
    expect(await failure(provider, { ...EMAIL, subject: undefined })).toMatchObject({ transient: false, code: 'invalid_message' });
    expect(simulator.requests).toHaveLength(0);
  });
});
