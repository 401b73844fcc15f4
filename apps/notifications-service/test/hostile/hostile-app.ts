import type { KeyObject } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConsumerGroups, Topics } from '#contracts';
import { createServiceApp } from '#platform/bootstrap';
import { NotificationsAppModule } from '../../src/app.module.js';
import { loadNotificationsConfig, type NotificationsConfig } from '../../src/config.js';
import { webhookSecrets } from '../webhooks/webhook-harness.js';
import { appClient, type AppClient } from '../../../../test/support/app-client.js';
import { skipGroupBacklog } from '../../../../test/support/consumer-group.js';

/** A notifications-service as main.ts builds it (default 1 MB body limit), webhook secrets set, no rate limit in the way. */
export interface HostileNotificationsApp extends AppClient {
  app: NestFastifyApplication;
  config: NotificationsConfig;
  sendgridPrivateKey: KeyObject;
}

export async function startHostileNotificationsApp(
  options: { consumer?: boolean; env?: Record<string, string> } = {},
): Promise<HostileNotificationsApp> {
  const secrets = webhookSecrets();
  const config = loadNotificationsConfig({ ...process.env, ...secrets.env, QUIET_HOURS: 'off', ...options.env });
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
  return { app, config, sendgridPrivateKey: secrets.sendgridPrivateKey, ...appClient(app, config.AUTH_JWT_SECRET) };
}
