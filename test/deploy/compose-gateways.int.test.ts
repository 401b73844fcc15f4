import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { checkTwilioSignature, publicUrlOf } from '../../apps/notifications-service/src/webhooks/signatures.js';
import { runGatewaySimulator, type RunningGatewaySimulator } from '../support/gateway-simulator-main.js';
import { mergeCompose, readCompose, ROOT } from './compose.js';

const main = readCompose('docker-compose.yml');
const compose = mergeCompose(main, readCompose('deploy/docker/compose.simulator.yml'));
const asStrings = (env: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
const simulatorEnv = asStrings(compose.services['gateway-simulator']!.environment);
const notificationsEnv = asStrings(compose.services['notifications-service']!.environment);
const STATUS_PATH = '/webhooks/twilio/status';

interface Received {
  path: string;
  signature: string | undefined;
  params: Record<string, string>;
}

describe('the compose gateway simulator (test/support/gateway-simulator-main.ts)', () => {
  let running: RunningGatewaySimulator;
  let receiver: Server;
  const received: Received[] = [];

  beforeAll(async () => {
    // Stands in for notifications-service: records the callbacks the simulator posts to GATEWAY_SIMULATOR_CALLBACKS_TO.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          signature: req.headers['x-twilio-signature'] as string | undefined,
          params: Object.fromEntries(new URLSearchParams(body)),
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    running = await runGatewaySimulator({
      ...simulatorEnv,
      GATEWAY_SIMULATOR_PORT: '0',
      GATEWAY_SIMULATOR_HOST: '127.0.0.1',
      GATEWAY_SIMULATOR_CALLBACKS_TO: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    });
  });
  afterAll(async () => {
    await running?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('serves Twilio on the port from the environment to the real SDK configured as compose configures notifications-service', async () => {
    expect(notificationsEnv.TWILIO_API_BASE_URL).toBe(`http://gateway-simulator:${simulatorEnv.GATEWAY_SIMULATOR_PORT}`);
    const client = twilio(notificationsEnv.TWILIO_ACCOUNT_SID, notificationsEnv.TWILIO_AUTH_TOKEN);
    client.api.baseUrl = running.url; // what TWILIO_API_BASE_URL does in the service, with the host this test can reach
    const statusCallback = publicUrlOf(notificationsEnv.PUBLIC_BASE_URL!, STATUS_PATH);
    const message = await client.messages.create({ to: '+919812345678', from: notificationsEnv.TWILIO_SMS_FROM!, body: 'hello', statusCallback });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);

    await running.simulator.callbacksSettled();
    expect(received.map((callback) => callback.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const callback of received) {
      expect(callback.path).toBe(STATUS_PATH);
      expect(callback.params.MessageSid).toBe(message.sid);
      // What notifications-service's guard checks: its TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL + path.
      const rejection = checkTwilioSignature({
        authToken: notificationsEnv.TWILIO_AUTH_TOKEN,
        signature: callback.signature,
        url: statusCallback,
        params: callback.params,
      });
      expect(rejection).toBeNull();
    }
  });

  it('checks credentials like the real gateway: a wrong auth token is a 401', async () => {
    const client = twilio(notificationsEnv.TWILIO_ACCOUNT_SID, 'not-the-token');
    client.api.baseUrl = running.url;
    await expect(client.messages.create({ to: '+919812345678', from: '+15005550006', body: 'x' })).rejects.toMatchObject({ status: 401 });
  });

  it('serves SendGrid on the same port', async () => {
    const response = await fetch(`${running.url}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${notificationsEnv.SENDGRID_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        personalizations: [{ to: [{ email: 'asha@example.com' }] }],
        from: { email: 'no-reply@chargesol.in' },
        subject: 'hi',
        content: [{ type: 'text/plain', value: 'hi' }],
      }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-message-id')).toBeTruthy();
  });
});

describe('deploy/local/sign-webhook.mjs (the README walkthrough’s signed status callback)', () => {
  const sign = (body: string, env: Record<string, string>) => {
    const result = spawnSync(process.execPath, ['deploy/local/sign-webhook.mjs', body], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.trim();
  };
  const body = 'MessageSid=sandbox-1a2b&MessageStatus=delivered';
  const params = Object.fromEntries(new URLSearchParams(body));

  it('signs as the service checks: TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL + /webhooks/twilio/status', () => {
    const env = { PUBLIC_BASE_URL: 'http://127.0.0.1:3302', TWILIO_AUTH_TOKEN: 'some-token' };
    const signature = sign(body, env);
    const check = (authToken: string, base: string) =>
      checkTwilioSignature({ authToken, signature, url: publicUrlOf(base, STATUS_PATH), params });
    expect(check('some-token', 'http://127.0.0.1:3302')).toBeNull();
    expect(check('another-token', 'http://127.0.0.1:3302')).toBe('invalid');
    expect(check('some-token', 'http://127.0.0.1:3002')).toBe('invalid');
  });

  it('defaults to the dev token the README starts the stack with and compose gives notifications-service', () => {
    const signature = sign(body, {});
    const token = asStrings(main.services['notifications-service']!.environment).TWILIO_AUTH_TOKEN!;
    expect(checkTwilioSignature({ authToken: token, signature, url: publicUrlOf('http://127.0.0.1:3002', STATUS_PATH), params })).toBeNull();
  });
});
