import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type { GatewayAnswer, GatewayFailure, RecordedRequest, Reply, SendGridEvent } from './types.js';

/** SendGrid's /v3/mail/send and its signed event webhook. */

/** Bearer auth with the API key. */
export function sendGridAuthError(record: RecordedRequest, apiKey: string): GatewayAnswer | null {
  if (String(record.headers.authorization ?? '') === `Bearer ${apiKey}`) return null;
  return { status: 401, body: { errors: [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked' }] } };
}

/** SendGrid's answer for a planned failure. */
export function sendGridFailure(failure: Exclude<GatewayFailure, 'hang' | object>): GatewayAnswer {
  switch (failure) {
    case 'server-error':
      return { status: 500, body: { errors: [{ field: null, message: 'internal error' }] } };
    case 'rate-limited':
      return { status: 429, body: { errors: [{ field: null, message: 'too many requests' }] } };
    case 'invalid-number':
      return { status: 400, body: { errors: [{ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' }] } };
    case 'unsubscribed':
      return { status: 403, body: { errors: [{ field: null, message: 'recipient is unsubscribed' }] } };
  }
}

/** Accepts a mail with recipient, sender, subject and content (202 + x-message-id), else 400 naming the fields. */
export function sendGridSend(record: RecordedRequest, reply: Reply): void {
  const mail = (record.json ?? {}) as { personalizations?: { to?: { email?: string }[] }[]; from?: { email?: string }; subject?: string; content?: unknown[] };
  const errors: { field: string; message: string }[] = [];
  if (!mail.personalizations?.[0]?.to?.[0]?.email) errors.push({ field: 'personalizations.0.to', message: 'The to array is required.' });
  if (!mail.from?.email) errors.push({ field: 'from.email', message: 'The from email is required.' });
  if (!mail.subject) errors.push({ field: 'subject', message: 'The subject is required.' });
  if (!Array.isArray(mail.content) || mail.content.length === 0) errors.push({ field: 'content', message: 'The content value is required.' });
  if (errors.length) return reply(400, { errors });
  const messageId = randomBytes(16).toString('base64url').slice(0, 22);
  record.gatewayMessageId = messageId;
  reply(202, undefined, { 'x-message-id': messageId });
}

/** A SendGrid event for an accepted email: its recipient, x-message-id and customArgs. */
export function sendGridEventFor(accepted: RecordedRequest, event: string, extra: Record<string, unknown>): SendGridEvent {
  const messageId = accepted.gatewayMessageId!;
  const mail = accepted.json as { personalizations: { to: { email: string }[] }[]; custom_args?: Record<string, string> };
  return {
    ...(mail.custom_args ?? {}),
    email: mail.personalizations[0].to[0].email,
    timestamp: Math.floor(Date.now() / 1000),
    event,
    sg_event_id: randomUUID(),
    sg_message_id: `${messageId}.recvd-simulator-1-0`,
    ...extra,
  };
}

/** The event webhook's signing key pair: ECDSA P-256, a fresh one per simulator. */
export class SendGridWebhookSigner {
  /** Base64 DER (SPKI) public key, for SENDGRID_WEBHOOK_PUBLIC_KEY. */
  readonly publicKey: string;
  private readonly privateKey: KeyObject;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.publicKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.privateKey = privateKey;
  }

  /** Signature headers: ECDSA P-256 over timestamp + payload, base64 DER. */
  sign(payload: string, timestamp: string): Record<string, string> {
    const signature = sign('sha256', Buffer.from(timestamp + payload), this.privateKey).toString('base64');
    return { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp };
  }
}
