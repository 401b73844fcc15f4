import { ConfigError } from '#platform/config';
import type { NotificationsConfig } from '../config.js';
import { FcmProvider } from './fcm.provider.js';
import { InstrumentedProvider } from './instrumented.provider.js';
import type { DeliveryProvider } from './provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { SandboxProvider } from './sandbox.provider.js';
import { SendGridProvider } from './sendgrid.provider.js';
import { TwilioProvider } from './twilio.provider.js';

/** Where gateways post status callbacks (CONTRACT.md: PUBLIC_BASE_URL + the webhook path). */
export function twilioStatusCallbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/twilio/status`;
}

/**
 * The real gateway for each channel whose credentials are configured (CONTRACT.md says when), with the
 * sandbox behind them for every channel that has none.
 */
export function createProviderRegistry(config: NotificationsConfig, sandbox: SandboxProvider = new SandboxProvider()): ProviderRegistry {
  const providers: DeliveryProvider[] = [];
  const timeoutMs = config.DELIVERY_TIMEOUT_MS;
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, SENDGRID_API_KEY: sendGridKey, FCM_PROJECT_ID: projectId } = config;
  if (accountSid && authToken) {
    const settings = {
      accountSid,
      authToken,
      smsFrom: config.TWILIO_SMS_FROM,
      whatsappFrom: config.TWILIO_WHATSAPP_FROM,
      voiceFrom: config.TWILIO_VOICE_FROM,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      statusCallbackUrl: twilioStatusCallbackUrl(config.PUBLIC_BASE_URL),
      timeoutMs,
    };
    providers.push(build('TWILIO_ACCOUNT_SID', () => new TwilioProvider(settings)));
  }
  if (sendGridKey) {
    providers.push(new SendGridProvider({ apiKey: sendGridKey, from: config.EMAIL_FROM, apiBaseUrl: config.SENDGRID_API_BASE_URL, timeoutMs }));
  }
  if (projectId && (config.FCM_SERVICE_ACCOUNT_JSON || config.FCM_ACCESS_TOKEN)) {
    const settings = {
      projectId,
      serviceAccountJson: config.FCM_SERVICE_ACCOUNT_JSON,
      accessToken: config.FCM_ACCESS_TOKEN,
      apiBaseUrl: config.FCM_API_BASE_URL,
      timeoutMs,
    };
    providers.push(build('FCM_SERVICE_ACCOUNT_JSON', () => new FcmProvider(settings)));
  }
  providers.push(sandbox);
  return new ProviderRegistry(providers.map((provider) => new InstrumentedProvider(provider)));
}

/** An SDK that refuses its settings (a SID not starting with AC, unparsable JSON) stops the start, naming the variable. */
function build<T>(variable: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    throw new ConfigError([`${variable}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}
