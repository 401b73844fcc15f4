import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { FcmProvider, type FcmSettings } from '../../src/delivery/fcm.provider.js';
import { type OutboundMessage, ProviderError } from '../../src/delivery/provider.js';

const PUSH: OutboundMessage = {
  notificationId: '0d6f3f7e-2b8a-4c1e-9a57-3c2e8f1b9d40',
  channel: 'push',
  to: 'fcm-registration-token-of-a-field-engineer-phone',
  subject: 'New survey assigned',
  body: 'Survey at Koramangala, 3 Dec 10:00',
};

describe('FcmProvider (real firebase-admin SDK) against the gateway simulator', () => {
  let simulator: GatewaySimulator;
  const providers: FcmProvider[] = [];
  const provider = (overrides: Partial<FcmSettings> = {}) => {
    const created = new FcmProvider({
      projectId: SIMULATOR_DEFAULTS.fcm.projectId,
      accessToken: SIMULATOR_DEFAULTS.fcm.accessToken,
      apiBaseUrl: simulator.baseUrl,
      timeoutMs: 500,
      ...overrides,
    });
    providers.push(created);
    return created;
  };

  beforeAll(async () => {
    simulator = await GatewaySimulator.start();
  });
  afterEach(() => simulator.reset());
  afterAll(async () => {
    await Promise.all(providers.map((created) => created.close()));
    await simulator.close();
  });

  async function failure(sender: FcmProvider): Promise<ProviderError> {
    const error = await sender.send(PUSH).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }

  it('posts messages:send for the project with the token, title, body and notification id; the id is the message name', async () => {
    const result = await provider().send(PUSH);

    const [request] = simulator.requestsTo('fcm');
    expect(request.path).toBe(`/v1/projects/${SIMULATOR_DEFAULTS.fcm.projectId}/messages:send`);
    expect(request.headers.authorization).toBe(`Bearer ${SIMULATOR_DEFAULTS.fcm.accessToken}`);
    expect(request.json).toEqual({
      message: {
        token: PUSH.to,
        notification: { title: PUSH.subject, body: PUSH.body },
        data: { notificationId: PUSH.notificationId },
      },
    });
    expect(result).toEqual({ gatewayMessageId: request.gatewayMessageId, provider: 'fcm' });
    expect(result.gatewayMessageId).toMatch(new RegExp(`^projects/${SIMULATOR_DEFAULTS.fcm.projectId}/messages/`));
  });

  it('a 500 and a 429 are transient', async () => {
    const sender = provider();
    simulator.failNext(1, 'server-error');
    expect(await failure(sender)).toMatchObject({ transient: true, code: 'messaging/internal-error' });
    simulator.failNext(1, 'rate-limited');
    expect(await failure(sender)).toMatchObject({ transient: true, code: 'messaging/message-rate-exceeded' });
  });

  it('an unregistered token is permanent', async () => {
    simulator.failNext(1, 'unsubscribed');
    expect(await failure(provider())).toMatchObject({ transient: false, code: 'messaging/registration-token-not-registered' });
  });

  it('a hung gateway is a transient timeout after our own bound, not the SDK’s 15 s', async () => {
    simulator.failNext(1, 'hang');
    expect(await failure(provider())).toMatchObject({ transient: true, code: 'timeout' });
  });

  it('a rejected credential is permanent', async () => {
    const error = await failure(provider({ accessToken: 'expired' }));
    expect(error.transient).toBe(false);
    expect(error.code).toMatch(/^messaging\//);
  });
});
