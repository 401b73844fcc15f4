import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '#platform/problem';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { checkSendgridSignature, checkTwilioSignature, publicUrlOf, type SignatureRejection } from './signatures.js';
import { WebhookErrorCode } from './webhooks.errors.js';
import { webhookRejections } from './webhooks.metrics.js';

/** Largest webhook body we read (Fastify's global limit is the hard stop before parsing). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Per client IP: far above what a gateway sends, since Twilio does not retry status callbacks. */
export const WEBHOOK_RATE_LIMIT = { rateLimit: { max: 6_000, timeWindow: 60_000 } };

interface WebhookRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: Buffer;
}

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(logger: Logger, provider: string, reason: SignatureRejection, url: string): never {
  webhookRejections.inc({ provider, reason });
  logger.warn({ provider, reason, path: url.split('?')[0] }, 'webhook signature rejected');
  // One answer for every reason: a caller probing the webhook learns nothing.
  throw new DomainError('forbidden', WebhookErrorCode.SignatureRejected, 'The webhook signature is missing or invalid');
}

function checkSize(request: WebhookRequest): void {
  const length = request.rawBody?.length ?? Number(header(request, 'content-length') ?? 0);
  if (length > WEBHOOK_BODY_LIMIT) {
    throw new DomainError('too_large', WebhookErrorCode.TooLarge, `Webhook bodies are limited to ${WEBHOOK_BODY_LIMIT} bytes`);
  }
}

/** Twilio webhooks: `X-Twilio-Signature` over PUBLIC_BASE_URL + path (+ query) and the form parameters. */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly logger = new Logger('TwilioWebhook');

  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    checkSize(request);
    const params = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? request.body : {};
    const rejection = checkTwilioSignature({
      authToken: this.config.TWILIO_AUTH_TOKEN,
      signature: header(request, 'x-twilio-signature'),
      url: publicUrlOf(this.config.PUBLIC_BASE_URL, request.url),
      params: params as Record<string, unknown>,
    });
    if (rejection) refuse(this.logger, 'twilio', rejection, request.url);
    return true;
  }
}

/** SendGrid event webhook: ECDSA signature over timestamp + raw body, fresh timestamps only. */
@Injectable()
export class SendgridSignatureGuard implements CanActivate {
  private readonly logger = new Logger('SendgridWebhook');

  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    checkSize(request);
    const rejection = checkSendgridSignature({
      publicKey: this.config.SENDGRID_WEBHOOK_PUBLIC_KEY,
      signature: header(request, 'x-twilio-email-event-webhook-signature'),
      timestamp: header(request, 'x-twilio-email-event-webhook-timestamp'),
      rawBody: request.rawBody,
      now: new Date(),
    });
    if (rejection) refuse(this.logger, 'sendgrid', rejection, request.url);
    return true;
  }
}
