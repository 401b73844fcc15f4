import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ConsumerGroups, type Role, Topics } from '#contracts';
import { signDevToken } from '#platform/auth';
import { createServiceApp } from '#platform/bootstrap';
import { NotificationsAppModule } from '../../src/app.module.js';
import { loadNotificationsConfig, type NotificationsConfig } from '../../src/config.js';
import { PUBLIC_BASE_URL, sendgridKeys, TWILIO_AUTH_TOKEN } from '../webhooks/webhook-harness.js';
import { skipGroupBacklog } from '../../../../test/support/consumer-group.js';

/** A notifications-service as main.ts builds it (default 1 MB body limit), webhook secrets set, no rate limit in the way. */
export interface HostileNotificationsApp {
  app: NestFastifyApplication;
  config: NotificationsConfig;
  sendgridPrivateKey: KeyObject;
  http: () => ReturnType<typeof request>;
  token: (role: Role, sub?: string) => Promise<string>;
  live: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startHostileNotificationsApp(
  options: { consumer?: boolean; env?: Record<string, string> } = {},
): Promise<HostileNotificationsApp> {
  const keys = sendgridKeys();
  const config = loadNotificationsConfig({
    ...process.env,
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN,
    SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey,
    QUIET_HOURS: 'off',
    ...options.env,
  });
  if (options.consumer) await skipGroupBacklog(config.KAFKA_BROKERS, ConsumerGroups.Notifications, [Topics.LeadEvents]);
  const app = await createServiceApp(NotificationsAppModule.register(config), {
    name: 'notifications-service',
    description: 'hostile input',
    quiet: true,
    rateLimitPerMinute: 1_000_000,
    ...(options.consumer
      ? { consumer: { clientId: 'notifications-service-hostile', brokers: config.KAFKA_BROKERS, groupId: 'notifications-service' } }
      : {}),
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  if (options.consumer) await app.startAllMicroservices();
  const http = () => request(app.getHttpServer());
  return {
    app,
    config,
    sendgridPrivateKey: keys.privateKey,
    http,
    token: (role, sub = randomUUID()) => signDevToken(config.AUTH_JWT_SECRET, { sub, role, name: role }),
    live: async () => {
      const response = await http().get('/health/live');
      if (response.status !== 200) throw new Error(`/health/live answered ${response.status}`);
    },
    close: () => app.close(),
  };
}
