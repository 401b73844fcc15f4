import 'reflect-metadata';
import { ConsumerGroups } from '#contracts';
import { startService } from '#platform/bootstrap';
import { ConfigError } from '#platform/config';
import { LeadsAppModule } from './app.module.js';
import { loadLeadsConfig } from './config.js';

try {
  const config = loadLeadsConfig();
  await startService(LeadsAppModule.register(config), {
    name: 'leads-service',
    description: 'Leads, lead sources, documents and lead history of the ChargeSol platform',
    port: config.LEADS_PORT,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    uploadLimit: 10 * 1024 * 1024,
    bodyLimit: 12 * 1024 * 1024,
    consumer: { clientId: 'leads-service', brokers: config.KAFKA_BROKERS, groupId: ConsumerGroups.LeadsInbound },
  });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`leads-service: ${error.message}`);
    process.exit(78);
  }
  throw error;
}
