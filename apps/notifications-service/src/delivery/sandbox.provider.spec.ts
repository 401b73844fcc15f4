import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { maskRecipient, SandboxProvider } from './sandbox.provider.js';

describe('SandboxProvider', () => {
  let log: jest.Spied<typeof Logger.prototype.log>;
  beforeEach(() => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('never calls out: returns a sandbox-<uuid> id and remembers the message', async () => {
    const sandbox = new SandboxProvider();
    const result = await sandbox.send({ notificationId: 'n-1', channel: 'sms', to: '+919812345678', body: 'hello' });

    expect(result.provider).toBe('sandbox');
    expect(result.gatewayMessageId).toMatch(/^sandbox-[0-9a-f-]{36}$/);
    expect(sandbox.lastFor('n-1')).toMatchObject({ body: 'hello', gatewayMessageId: result.gatewayMessageId });
  });

  it('keeps only the last N messages, oldest first', async () => {
    const sandbox = new SandboxProvider(undefined, 2);
    for (const id of ['a', 'b', 'c']) await sandbox.send({ notificationId: id, channel: 'email', to: 'x@example.com', subject: 's', body: id });
    expect(sandbox.sent().map((delivery) => delivery.notificationId)).toEqual(['b', 'c']);
  });

  it('logs one line per send with the recipient masked', async () => {
    const sandbox = new SandboxProvider();
    await sandbox.send({ notificationId: 'n-2', channel: 'whatsapp', to: '+919812345678', body: 'hi' });
    await sandbox.send({ notificationId: 'n-3', channel: 'email', to: 'asha.rao@example.com', subject: 's', body: 'hi' });

    const lines = log.mock.calls.map(([line]) => String(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('+91******5678');
    expect(lines[1]).toContain('a***@example.com');
    expect(lines.join('\n')).not.toMatch(/9812345678|asha\.rao/);
  });

  it('serves only the channels it was given', () => {
    expect(new SandboxProvider(['email']).supports('sms')).toBe(false);
    expect(new SandboxProvider().supports('call')).toBe(true);
  });

  it('masks push tokens too', () => {
    expect(maskRecipient('push', 'fcm-registration-token-abcdef')).toBe('fcm-re…');
  });
});
