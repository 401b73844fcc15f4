import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EntityManager } from '@mikro-orm/postgresql';
import request from 'supertest';
import twilio from 'twilio';
import type { NotificationChannel, NotificationContextType, NotificationStatus } from '#contracts';
import { signDevToken } from '#platform/auth';
import { createServiceApp } from '#platform/bootstrap';
import { NotificationsAppModule } from '../../src/app.module.js';
import { loadNotificationsConfig, type NotificationsConfig } from '../../src/config.js';
import { DeliveryReceipt } from '../../src/notifications/delivery-receipt.entity.js';
import { Notification } from '../../src/notifications/notification.entity.js';

/** The base URL gateways are told to call; signatures are computed over it, not over the test server. */
export const PUBLIC_BASE_URL = 'https://notify.chargesol.test';
export const TWILIO_AUTH_TOKEN = 'test-twilio-auth-token-0123456789';

/** A SendGrid-style P-256 key pair: the public key as base64 DER, the private key to sign test posts. */
export function sendgridKeys(): { publicKey: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey };
}

/** The webhook settings as environment (public URL, Twilio token, a fresh SendGrid key), and the key to sign SendGrid posts. */
export function webhookSecrets(): { env: Record<string, string>; sendgridPrivateKey: KeyObject } {
  const keys = sendgridKeys();
  return { env: { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey }, sendgridPrivateKey: keys.privateKey };
}

/** A notifications-service app with webhook secrets configured (or not, with `env` overrides). */
export interface WebhookHarness {
  app: NestFastifyApplication;
  config: NotificationsConfig;
  em(): EntityManager;
  /** A notification's delivery receipts, oldest first. */
  receiptsOf(notificationId: string): Promise<DeliveryReceipt[]>;
  /** A notification as it is now in the database. */
  reload(notificationId: string): Promise<Notification>;
  sendgridPrivateKey: KeyObject;
  token(role: string, sub?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startWebhookHarness(env: Record<string, string | undefined> = {}): Promise<WebhookHarness> {
  const secrets = webhookSecrets();
  const config = loadNotificationsConfig({ ...process.env, ...secrets.env, DISPATCH_POLL_MS: '50', ...env });
  const app = await createServiceApp(NotificationsAppModule.register(config), {
    name: 'notifications-service',
    description: 'webhook tests',
    quiet: true,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    em: () => app.get(EntityManager).fork(),
    receiptsOf: (id) => app.get(EntityManager).fork().find(DeliveryReceipt, { notification: id }, { orderBy: { receivedAt: 'asc' } }),
    reload: (id) => app.get(EntityManager).fork().findOneOrFail(Notification, id),
    sendgridPrivateKey: secrets.sendgridPrivateKey,
    token: (role, sub = randomUUID()) => signDevToken(config.AUTH_JWT_SECRET, { sub, role: role as never, name: 'Test' }),
    close: () => app.close(),
  };
}

/** Posts a form to a Twilio webhook path, signed as Twilio would (or with `signature` overriding it). */
export function postTwilio(
  app: NestFastifyApplication,
  path: string,
  params: Record<string, string>,
  options: { token?: string; signature?: string | null; signedUrl?: string } = {},
) {
  const url = options.signedUrl ?? PUBLIC_BASE_URL + path;
  const signature =
    options.signature === undefined ? twilio.getExpectedTwilioSignature(options.token ?? TWILIO_AUTH_TOKEN, url, params) : options.signature;
  const call = request(app.getHttpServer()).post(path).type('form');
  if (signature !== null) call.set('X-Twilio-Signature', signature);
  return call.send(params);
}

/** Posts a SendGrid event batch signed with `privateKey` at `timestamp` (unix seconds; default now). */
export function postSendgrid(
  app: NestFastifyApplication,
  events: unknown,
  privateKey: KeyObject | null,
  options: { timestamp?: number; body?: string } = {},
) {
  const payload = options.body ?? JSON.stringify(events);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const call = request(app.getHttpServer()).post('/webhooks/sendgrid/events').set('content-type', 'application/json');
  if (privateKey) {
    const signature = sign('sha256', Buffer.from(timestamp + payload), privateKey).toString('base64');
    call.set('X-Twilio-Email-Event-Webhook-Signature', signature).set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp);
  }
  return call.send(payload);
}

/** A random gateway id in Twilio's shape (SM… for messages, CA… for calls). */
export function sid(prefix: 'SM' | 'CA'): string {
  return prefix + randomUUID().replaceAll('-', '');
}

/** A random valid Indian mobile number in E.164. */
export function randomPhone(): string {
  return `+9197${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** Inserts a notification as the dispatcher leaves it after a send (status `sent` with a gateway id by default). */
export async function givenNotification(
  harness: WebhookHarness,
  overrides: {
    channel?: NotificationChannel;
    status?: NotificationStatus;
    gatewayMessageId?: string | null;
    contextType?: NotificationContextType;
    contextId?: string | null;
    recipientId?: string;
    address?: string;
  } = {},
): Promise<Notification> {
  const em = harness.em();
  const status = overrides.status ?? 'sent';
  const notification = em.create(Notification, {
    recipientId: overrides.recipientId ?? `cust:${randomPhone()}`,
    channel: overrides.channel ?? 'sms',
    body: 'Your survey is scheduled.',
    contextType: overrides.contextType ?? 'lead',
    contextId: overrides.contextId === undefined ? randomUUID() : overrides.contextId,
    status,
    address: overrides.address ?? randomPhone(),
    provider: 'twilio',
    gatewayMessageId: overrides.gatewayMessageId === undefined ? sid('SM') : overrides.gatewayMessageId,
    // Far in the future: the running dispatcher must not claim a `queued` test row.
    nextAttemptAt: new Date('2100-01-01T00:00:00Z'),
    sentAt: status === 'queued' ? null : new Date(Date.now() - 60_000),
  });
  await em.flush();
  return notification;
}
