import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';
import { Public } from './auth.js';

/** Prometheus metrics shared by both services; feature modules add their own to the same registry. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const consumedEvents = new Counter({
  name: 'kafka_consumed_events_total',
  help: 'Kafka messages handled, by topic and outcome (processed, skipped, retried, dead_lettered)',
  labelNames: ['topic', 'outcome'] as const,
});

export const consumerLag = new Gauge({
  name: 'kafka_consumer_lag_messages',
  help: "Messages between the consumer group's committed offset and the partition's end, sampled on scrape",
  labelNames: ['group', 'topic', 'partition'] as const,
});

let defaultsCollected = false;
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
  defaultsCollected = true;
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Public()
  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule {}
