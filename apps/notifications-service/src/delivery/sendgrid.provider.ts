import type { NotificationChannel } from '#contracts';
import sgMail from '@sendgrid/mail';
import { traceHeaders } from '#platform/tracing';
import { DeliveryErrorCode } from './delivery.errors.js';
import { classifyGatewayResponse, classifyNetworkError, unexpectedError } from './error-classification.js';
import { type DeliveryProvider, type OutboundMessage, ProviderError, type SendResult } from './provider.js';

/** What the SendGrid adapter needs from configuration. */
export interface SendGridSettings {
  apiKey: string;
  from: string;
  /** Another host with SendGrid's paths (a gateway simulator): POST {apiBaseUrl}/v3/mail/send. */
  apiBaseUrl?: string;
  timeoutMs: number;
}

type MailService = typeof sgMail;
type ClientWithDefaults = {
  setDefaultRequest(key: string, value: unknown): unknown;
  request(request: { headers?: Record<string, string> }, cb?: unknown): Promise<unknown>;
};
type SendGridResponseError = { code: number; message?: string; response?: { body?: unknown } };

// The package exports one shared instance; each provider builds its own so that two configurations
// (two tests, or a key rotation) never overwrite each other's key and base URL.
const MailServiceClass = (sgMail as unknown as { constructor: new () => MailService }).constructor;

/** Email through the real @sendgrid/mail SDK; the notification id travels in customArgs for the event webhook. */
export class SendGridProvider implements DeliveryProvider {
  readonly name = 'sendgrid';
  private readonly mail: MailService;

  constructor(private readonly settings: SendGridSettings) {
    this.mail = new MailServiceClass();
    this.mail.setApiKey(settings.apiKey);
    this.mail.setTimeout(settings.timeoutMs);
    const client = (this.mail as unknown as { client: ClientWithDefaults }).client;
    // setApiKey resets the base URL to SendGrid's own host, so the override must come after it.
    if (settings.apiBaseUrl) client.setDefaultRequest('baseUrl', settings.apiBaseUrl.replace(/\/+$/, ''));
    // Each request carries the active trace context; the mail's own `headers` would also go into the email.
    const request = client.request.bind(client);
    client.request = (data, cb) => request({ ...data, headers: { ...data.headers, ...traceHeaders() } }, cb);
  }

  supports(channel: NotificationChannel): boolean {
    return channel === 'email';
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'email') {
      throw new ProviderError(`sendgrid: channel ${message.channel} is not served`, false, DeliveryErrorCode.NotConfigured);
    }
    if (!message.subject) throw new ProviderError('sendgrid: an email needs a subject', false, DeliveryErrorCode.InvalidMessage);
    const content = [{ type: 'text/plain', value: message.body }];
    if (message.html) content.push({ type: 'text/html', value: message.html });
    try {
      const [response] = await this.mail.send({
        to: message.to,
        from: this.settings.from,
        subject: message.subject,
        content: content as [{ type: string; value: string }],
        customArgs: { notificationId: message.notificationId },
      });
      const header = response.headers['x-message-id'] as string | string[] | undefined;
      const messageId = Array.isArray(header) ? header[0] : header;
      // SendGrid always answers with the header; without it the mail was still accepted, and the event webhook
      // matches by customArgs.notificationId anyway, so record that rather than failing a sent email.
      return { gatewayMessageId: messageId || `notification-${message.notificationId}`, provider: this.name };
    } catch (error) {
      throw sendGridError(error);
    }
  }
}

/** A SendGrid ResponseError (status + errors[]) or an axios socket/timeout error, as a ProviderError. */
export function sendGridError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const network = classifyNetworkError(error, 'sendgrid');
  if (network) return network;
  if (isResponseError(error)) {
    return classifyGatewayResponse('sendgrid', error.code, null, describe(error.response?.body) ?? error.message);
  }
  return unexpectedError('sendgrid', error);
}

function isResponseError(error: unknown): error is SendGridResponseError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'response' in error;
}

/** `{ errors: [{ message, field }] }` → "field: message; …". */
function describe(body: unknown): string | null {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  return errors
    .map((entry: { message?: string; field?: string | null }) => (entry.field ? `${entry.field}: ${entry.message}` : entry.message))
    .filter(Boolean)
    .join('; ');
}
