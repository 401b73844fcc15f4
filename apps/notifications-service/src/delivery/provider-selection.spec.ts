import { NotificationChannels } from '#contracts';
import { loadNotificationsConfig } from '../config.js';
import type { DeliveryProvider } from './provider.js';
import { ProviderError } from './provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { createProviderRegistry, twilioStatusCallbackUrl } from './provider-selection.js';

const TWILIO = { TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'secret', TWILIO_SMS_FROM: '+911140001000' };

function selection(env: Record<string, string>): Record<string, string> {
  const registry = createProviderRegistry(loadNotificationsConfig(env));
  const chosen = Object.fromEntries(NotificationChannels.map((channel) => [channel, registry.forChannel(channel).name]));
  for (const provider of registry.all()) void (provider as { close?: () => Promise<void> }).close?.();
  return chosen;
}

describe('provider selection from configuration', () => {
  it('sends everything through the sandbox when no gateway has credentials', () => {
    expect(selection({})).toEqual({ sms: 'sandbox', whatsapp: 'sandbox', call: 'sandbox', email: 'sandbox', push: 'sandbox' });
  });

  it('uses Twilio for sms, whatsapp and call only when both the account SID and the auth token are set', () => {
    expect(selection(TWILIO)).toEqual({ sms: 'twilio', whatsapp: 'twilio', call: 'twilio', email: 'sandbox', push: 'sandbox' });
    expect(selection({ TWILIO_ACCOUNT_SID: 'AC123' }).sms).toBe('sandbox');
    expect(selection({ TWILIO_AUTH_TOKEN: 'secret' }).sms).toBe('sandbox');
  });

  it('uses SendGrid for email when the API key is set', () => {
    expect(selection({ SENDGRID_API_KEY: 'SG.key' })).toMatchObject({ email: 'sendgrid', sms: 'sandbox' });
  });

  it('uses FCM for push when a project and a credential are set', () => {
    expect(selection({ FCM_PROJECT_ID: 'p', FCM_ACCESS_TOKEN: 't' }).push).toBe('fcm');
    expect(selection({ FCM_PROJECT_ID: 'p' }).push).toBe('sandbox');
  });

  it('builds the status callback URL from PUBLIC_BASE_URL', () => {
    expect(twilioStatusCallbackUrl('https://notify.chargesol.in/')).toBe('https://notify.chargesol.in/webhooks/twilio/status');
    expect(twilioStatusCallbackUrl('http://127.0.0.1:3002')).toBe('http://127.0.0.1:3002/webhooks/twilio/status');
  });
});

describe('ProviderRegistry', () => {
  const only = (name: string, ...channels: string[]): DeliveryProvider => ({
    name,
    supports: (channel) => channels.includes(channel),
    send: async () => ({ gatewayMessageId: `${name}-1`, provider: name }),
  });

  it('picks the first registered provider that supports the channel', () => {
    const registry = new ProviderRegistry([only('real-email', 'email'), only('fallback', 'email', 'sms')]);
    expect(registry.forChannel('email').name).toBe('real-email');
    expect(registry.forChannel('sms').name).toBe('fallback');
  });

  it('fails permanently, naming the channel, when nothing serves it', () => {
    const registry = new ProviderRegistry([only('real-email', 'email')]);
    expect(() => registry.forChannel('push')).toThrow(ProviderError);
    expect(() => registry.forChannel('push')).toThrow(expect.objectContaining({ transient: false, code: 'not_configured' }));
  });
});

describe('provider selection refusing bad gateway settings', () => {
  it('names the variable when the Twilio SDK refuses the account SID', () => {
    expect(() => createProviderRegistry(loadNotificationsConfig({ TWILIO_ACCOUNT_SID: 'not-a-sid', TWILIO_AUTH_TOKEN: 't' }))).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining('TWILIO_ACCOUNT_SID') }),
    );
  });

  it('names the variable when the service-account JSON does not parse', () => {
    expect(() => createProviderRegistry(loadNotificationsConfig({ FCM_PROJECT_ID: 'p', FCM_SERVICE_ACCOUNT_JSON: '{oops' }))).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining('FCM_SERVICE_ACCOUNT_JSON') }),
    );
  });
});
