import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Message } from 'kafkajs';
import { claimInIndexOrder } from '#platform/database';
import { KafkaConnection } from '#platform/kafka';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { WorkLoop } from '../dispatch/work-loop.js';

/** An outbox row as the relay reads it. */
interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  type: string;
  payload: string;
  traceparent: string | null;
}

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
      await claimInIndexOrder(tx);
      // Plain SQL: the payload goes out as the JSON text it is stored as, with no entity hydration.
      const rows = await tx.execute<OutboxRow[]>(
        `select id, event_id, topic, message_key, type, payload::text as payload, payload->>'traceparent' as traceparent
           from outbox_event where published_at is null
          order by id limit ? for update skip locked`,
        [limit],
      );
      if (!rows.length) return 0;
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({
          key: row.message_key,
          value: row.payload,
          headers: {
            'content-type': 'application/cloudevents+json',
            'ce-type': row.type,
            'ce-id': row.event_id,
            // The stored trace context of the change, not the relay's.
            ...(row.traceparent ? { traceparent: row.traceparent } : {}),
          },
        });
        byTopic.set(row.topic, messages);
      }
      await this.kafka.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      await tx.execute('update outbox_event set published_at = now() where id = any(?::bigint[])', [
        `{${rows.map((row) => row.id).join(',')}}`,
      ]);
      return rows.length;
    });
  }
}
