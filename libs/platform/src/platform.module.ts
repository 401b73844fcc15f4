import {
  type DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtAuthGuard, TokenVerifier, type AuthOptions } from './auth.js';
import { HealthModule } from './health.js';
import { KafkaConnection, type KafkaSettings } from './kafka.js';
import { createLoggerModule } from './logging.js';
import { collectProcessMetrics, consumerLag, MetricsModule } from './metrics.js';
import { ProblemDetailsFilter } from './problem.js';
import { startTracing, type Tracing, type TracingSettings } from './tracing.js';

/** Says when a service has finished its graceful shutdown (consumer left its group, requests drained). */
@Injectable()
class ShutdownReporter implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  onApplicationShutdown(signal?: string): void {
    this.logger.log(`stopped${signal ? ` on ${signal}` : ''}`);
  }
}

/** Exports the spans still buffered before the process exits. */
class TracingFlusher implements OnApplicationShutdown {
  constructor(private readonly tracing: Tracing) {}
  async onApplicationShutdown(): Promise<void> {
    await this.tracing.flush().catch(() => undefined);
  }
}

/** Samples the service's consumer group lag into `kafka_consumer_lag_messages` every 15 s. */
class ConsumerLagReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConsumerLag');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly group: { groupId: string; topics: string[] },
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), 15_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    try {
      for (const { topic, partition, lag } of await this.kafka.consumerLag(this.group.groupId, this.group.topics)) {
        consumerLag.set({ group: this.group.groupId, topic, partition: String(partition) }, lag);
      }
    } catch (error) {
      this.logger.debug({ err: (error as Error).message }, 'consumer lag not sampled');
    }
  }
}

export interface PlatformOptions {
  service: string;
  logLevel: string;
  prettyLogs?: boolean;
  kafka: KafkaSettings;
  /** The service's consumer group and topics, for the lag metric. */
  consumerGroup?: { groupId: string; topics: string[] };
  auth: AuthOptions;
  /** OTEL_* settings from the service's config. */
  tracing?: TracingSettings;
}

/**
 * What every ChargeSol service needs, wired once: logging, JWT auth on every route,
 * problem+json errors, health, metrics and one Kafka connection.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    collectProcessMetrics(options.service);
    const tracing = startTracing(options.service, options.tracing);
    return {
      module: PlatformModule,
      imports: [
        createLoggerModule({ service: options.service, level: options.logLevel, pretty: options.prettyLogs }),
        MetricsModule,
        HealthModule,
      ],
      providers: [
        { provide: KafkaConnection, useFactory: () => new KafkaConnection(options.kafka) },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(options.auth) },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        ShutdownReporter,
        { provide: TracingFlusher, useFactory: () => new TracingFlusher(tracing) },
        ...(options.consumerGroup
          ? [
              {
                provide: ConsumerLagReporter,
                inject: [KafkaConnection],
                useFactory: (kafka: KafkaConnection) => new ConsumerLagReporter(kafka, options.consumerGroup!),
              },
            ]
          : []),
      ],
      exports: [KafkaConnection, TokenVerifier],
    };
  }
}
