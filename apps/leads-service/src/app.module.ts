import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConsumerGroups, Topics } from '#contracts';
import { PlatformModule } from '#platform/platform.module';
import { LEADS_CONFIG, type LeadsConfig } from './config.js';
import { DocumentsModule } from './documents/documents.module.js';
import { InboundModule } from './inbound/inbound.module.js';
import { LeadImportModule } from './lead-import/lead-import.module.js';
import { LeadSourcesModule } from './lead-sources/lead-sources.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { leadsOrmConfig } from './mikro-orm.config.js';
import { OutboxModule } from './outbox/outbox.module.js';

/** leads-service: leads, lead sources, documents, history; an outbox to Kafka. */
@Module({})
export class LeadsAppModule {
  static register(config: LeadsConfig): DynamicModule {
    return {
      module: LeadsAppModule,
      // Global so every feature module can inject LEADS_CONFIG.
      global: true,
      imports: [
        PlatformModule.forRoot({
          service: 'leads-service',
          logLevel: config.LOG_LEVEL,
          prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
          kafka: { clientId: 'leads-service', brokers: config.KAFKA_BROKERS },
          consumerGroup: { groupId: ConsumerGroups.LeadsInbound, topics: [Topics.InboundLeads, Topics.NotificationEvents] },
          auth: { jwtSecret: config.AUTH_JWT_SECRET, jwksUrl: config.AUTH_JWKS_URL },
          tracing: config,
        }),
        MikroOrmModule.forRoot(leadsOrmConfig(config.LEADS_DATABASE_URL, config.LEADS_DB_POOL_MAX)),
        OutboxModule,
        LeadSourcesModule,
        LeadsModule,
        DocumentsModule,
        InboundModule,
        LeadImportModule,
      ],
      providers: [
        { provide: LEADS_CONFIG, useValue: config },
      ],
      exports: [LEADS_CONFIG],
    };
  }
}
