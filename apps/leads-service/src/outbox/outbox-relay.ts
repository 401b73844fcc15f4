import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Message } from 'kafkajs';
import pg from 'pg';
import { claimInIndexOrder } from '#platform/database';
import { KafkaConnection } from '#platform/kafka';
import { LEADS_CONFIG, type LeadsConfig } from '../config.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { measureBacklogWith, outboxPublished, outboxPublishLag } from './outbox.metrics.js';
import { OUTBOX_CHANNEL, queuedEventsIn } from './outbox.js';

/** An outbox row as the relay reads it. */
interface OutboxRow {
  position: string;
  topic: string;
  message_key: string;
  payload: string;
  headers: Record<string, string> | null;
  created_at: Date | string;
}

/** One relay publishes at a time across replicas, so events leave in order per lead. */
const RELAY_LOCK_KEY = 7_410_515_001;

/**
 * Publishes outbox rows to Kafka in position order, keyed by lead id, in batches, and marks
 * them published in the same transaction that locked them (FOR UPDATE SKIP LOCKED + an advisory
 * lock, so several replicas never publish the same row or reorder a lead's events). Woken in
 * process when a transaction that queued events commits (a MikroORM transaction subscriber); a
 * replica that finds another one holding the relay lock wakes it with NOTIFY; a short poll is the
 * fallback. While Kafka is down the rows wait.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown, EventSubscriber {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private listener?: pg.Client;
  private failures = 0;
  /** Set when work arrived while the loop was busy: it goes round again instead of sleeping. */
  private wakeRequested = false;
  /** Set when another replica held the relay lock: it is told by NOTIFY. */
  private lockedOut = false;

  constructor(
    private readonly em: EntityManager,
    private readonly kafka: KafkaConnection,
    @Inject(LEADS_CONFIG) private readonly config: LeadsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.em.getEventManager().registerSubscriber(this);
    measureBacklogWith(() => this.em.fork().count(OutboxMessage, { publishedAt: null }));
    void this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    measureBacklogWith(undefined);
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** A transaction committed: if it queued events, publish them now. */
  afterTransactionCommit(args: TransactionEventArgs): void {
    if (args.em && queuedEventsIn(args.em)) this.publishSoon();
  }

  /** Events were committed outside a MikroORM transaction (a single statement): publish them now. */
  publishSoon(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  /** Publishes pending rows batch after batch until none are left or the app stops; returns how many were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.publishBatch();
      total += sent;
      // Stopping between batches keeps shutdown short; the rest waits for the next replica.
      if (sent < this.config.OUTBOX_BATCH_SIZE || !this.running) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      try {
        await this.drain();
        this.failures = 0;
        if (this.lockedOut) {
          this.lockedOut = false;
          await this.em.getConnection().execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
        }
      } catch (error) {
        this.failures++;
        // Kafka or PostgreSQL unavailable: the rows stay unpublished and are retried.
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn({ err: (error as Error).message, failures: this.failures }, 'outbox publish failed; will retry');
        }
      }
      if (this.wakeRequested && !this.failures) continue;
      const pause = this.failures ? Math.min(this.config.OUTBOX_POLL_MS * 2 ** this.failures, 10_000) : this.config.OUTBOX_POLL_MS;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      // Woken by a commit: give the commits right behind it a moment to join the same batch
      // (like Kafka's linger.ms) — fewer, larger produce requests and relay transactions under load.
      if (woken && this.running && this.config.OUTBOX_LINGER_MS > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.config.OUTBOX_LINGER_MS));
      }
    }
  }

  private async publishBatch(): Promise<number> {
    return this.em.fork().transactional(async (em) => {
      const [lock] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [
        RELAY_LOCK_KEY,
      ]);
      if (!lock?.locked) {
        this.lockedOut = true;
        return 0;
      }
      await claimInIndexOrder(em);
      // Plain SQL: the payload goes out as the JSON text it is stored as, with no entity hydration.
      const rows = await em.execute<OutboxRow[]>(
        `select position, topic, message_key, payload::text as payload, headers, created_at
           from outbox_messages where published_at is null
          order by position limit ? for update skip locked`,
        [this.config.OUTBOX_BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.message_key, value: row.payload, headers: row.headers ?? undefined });
        byTopic.set(row.topic, messages);
      }
      await this.kafka.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      await em.execute('update outbox_messages set published_at = now() where position = any(?::bigint[])', [
        `{${rows.map((row) => row.position).join(',')}}`,
      ]);
      const now = Date.now();
      for (const row of rows) outboxPublishLag.observe((now - new Date(row.created_at).getTime()) / 1000);
      outboxPublished.inc(rows.length);
      return rows.length;
    });
  }

  /** LISTEN on a dedicated connection, for the wake-up of another replica that found the lock taken. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.LEADS_DATABASE_URL });
    client.on('error', () => undefined);
    client.on('notification', () => this.publishSoon());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (!this.running) await client.end();
      else this.listener = client;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'LISTEN failed; relying on polling');
      await client.end().catch(() => undefined);
    }
  }
}
