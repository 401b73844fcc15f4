import 'reflect-metadata';
import { ConsumerGroups } from '#contracts';
import { startService } from '#platform/bootstrap';
import { ConfigError } from '#platform/config';
import { NotificationsAppModule } from './app.module.js';
import { loadNotificationsConfig } from './config.js';

try {
  const config = loadNotificationsConfig();
  await startService(NotificationsAppModule.register(config), {
    name: 'notifications-service',
    description: 'Notifications, templates, recipients, call logs and gateway webhooks of the ChargeSol platform',
    port: config.NOTIFICATIONS_PORT,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    consumer: {
      clientId: 'notifications-service',
      brokers: config.KAFKA_BROKERS,
      groupId: ConsumerGroups.Notifications,
    },
  });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`notifications-service: ${error.message}`);
    process.exit(78);
  }
  throw error;
}
