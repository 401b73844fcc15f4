import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConsumerGroups, Topics } from '#contracts';
import { PlatformModule } from '#platform/platform.module';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './config.js';
import { Clock } from './dispatch/clock.js';
import { DispatchModule } from './dispatch/dispatch.module.js';
import { LeadEventsModule } from './lead-events/lead-events.module.js';
import { notificationsOrmConfig } from './mikro-orm.config.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { RecipientsModule } from './recipients/recipients.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { CallLogsModule } from './call-logs/call-logs.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The validated configuration and the clock, for every feature module. */
@Global()
@Module({})
class NotificationsConfigModule {
  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsConfigModule,
      providers: [{ provide: NOTIFICATIONS_CONFIG, useValue: config }, Clock],
      exports: [NOTIFICATIONS_CONFIG, Clock],
    };
  }
}

/** notifications-service: lead events to rendered, delivered messages; receipts and call logs. */
@Module({})
export class NotificationsAppModule {
  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsAppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'notifications-service',
          logLevel: config.LOG_LEVEL,
          prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
          kafka: { clientId: 'notifications-service', brokers: config.KAFKA_BROKERS },
          consumerGroup: { groupId: ConsumerGroups.Notifications, topics: [Topics.LeadEvents] },
          auth: { jwtSecret: config.AUTH_JWT_SECRET, jwksUrl: config.AUTH_JWKS_URL },
          tracing: config,
        }),
        MikroOrmModule.forRoot(notificationsOrmConfig(config.NOTIFICATIONS_DATABASE_URL, config.NOTIFICATIONS_DB_POOL_MAX)),
        NotificationsConfigModule.register(config),
        DispatchModule.register(config),
        TemplatesModule,
        RecipientsModule,
        NotificationsModule,
        LeadEventsModule,
        CallLogsModule,
        WebhooksModule.register(config),
      ],
    };
  }
}
