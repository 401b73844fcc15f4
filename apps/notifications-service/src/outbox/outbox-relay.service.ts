import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { KafkaConnection } from '#platform/kafka';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { WorkLoop } from '../dispatch/work-loop.js';
import { OutboxEvent } from './outbox-event.entity.js';

/**
 * Publishes this service's outbox in order: rows are locked with SKIP LOCKED (safe with many
 * replicas), sent with the idempotent producer, then marked published in the same transaction.
 * Kafka being down only delays events: the transaction rolls back and the rows wait.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly loop: WorkLoop;

  constructor(
    private readonly em: EntityManager,
    private readonly kafka: KafkaConnection,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.loop = new WorkLoop('outbox relay', () => this.publishBatch(), config.DISPATCH_POLL_MS, this.logger);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Stops before the ORM and the Kafka producer close (they go in onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Asks the relay to look now (after a transaction wrote outbox rows). */
  wake(): void {
    this.loop.wake();
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishBatch(limit = 100): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      const rows = await tx.find(
        OutboxEvent,
        { publishedAt: null },
        { orderBy: { id: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      if (!rows.length) return 0;
      const byTopic = new Map<string, OutboxEvent[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      await this.kafka.sendBatch(
        [...byTopic].map(([topic, items]) => ({
          topic,
          messages: items.map((row) => ({
            key: row.messageKey,
            value: JSON.stringify(row.payload),
            headers: {
              'content-type': 'application/cloudevents+json',
              'ce-type': row.type,
              'ce-id': row.eventId,
              // The stored trace context of the change, not the relay's.
              ...(typeof row.payload.traceparent === 'string' ? { traceparent: row.payload.traceparent } : {}),
            },
          })),
        })),
      );
      const now = new Date();
      for (const row of rows) row.publishedAt = now;
      return rows.length;
    });
  }
}
