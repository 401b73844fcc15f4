import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { claimInIndexOrder } from '#platform/database';
import { GroupCommit } from '#platform/group-commit';
import { inSpan, SpanKind } from '#platform/tracing';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { ProviderRegistry } from '../delivery/provider-registry.js';
import { type OutboundMessage, ProviderError, type SendResult } from '../delivery/provider.js';
import { Notification } from '../notifications/notification.entity.js';
import { enqueueNotificationFailed, enqueueNotificationSent } from '../outbox/outbox.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { addressFor, hasOptedOut } from '../recipients/addresses.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { retryDelayMs } from './backoff.js';
import { Clock } from './clock.js';
import { DispatchErrorCode } from './dispatch.errors.js';
import { parseQuietHours, quietHoursEnd, type QuietHours } from './quiet-hours.js';
import { RateLimiter } from './rate-limiter.js';
import { WorkLoop } from './work-loop.js';

const sendOutcomes = new Counter({
  name: 'notifications_send_outcomes_total',
  help: 'Send attempts by channel and outcome (sent, retry, failed, held)',
  labelNames: ['channel', 'outcome'] as const,
});

const queuedToSent = new Histogram({
  name: 'notifications_queued_to_sent_seconds',
  help: 'Time from a notification being queued to its gateway accepting it, by channel',
  labelNames: ['channel'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 43200],
});

/** A claimed notification, detached from any unit of work while its send is in flight. */
type Claimed = Pick<
  Notification,
  'id' | 'channel' | 'address' | 'subject' | 'body' | 'htmlBody' | 'attempts' | 'createdAt' | 'traceparent'
>;

const SEND_CONCURRENCY = 8;

/** The outcome of one send, to be written to its notification. */
type Mark = { id: string; change: (tx: EntityManager, notification: Notification, now: Date) => void };

/**
 * Sends queued notifications outside the consumer's transaction, in three steps:
 * 1. claim (one short transaction, FOR UPDATE SKIP LOCKED): due queued rows are checked for
 *    opt-out, address and quiet hours; those to send get `attempts + 1` and a lease
 *    (`next_attempt_at = now + SEND_CLAIM_LEASE_MS`) so no other replica takes them meanwhile;
 * 2. send through the channel's provider, with no transaction open;
 * 3. mark: sent / rescheduled with backoff / failed, with its outbox event — outcomes that finish
 *    together share one transaction (group commit); a failing one is redone alone.
 * A crash between 1 and 2 leaves the row queued: it is sent when the lease ends, once.
 * A crash between 2 and 3 (the gateway accepted, we did not record it) sends it again after the
 * lease: that narrow window is at-least-once, as no gateway offers an idempotency key for sends.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Dispatcher.name);
  /** Several loops claim side by side (SKIP LOCKED keeps them apart): one waits on the database while another sends. */
  private readonly loops: WorkLoop[];
  private readonly limiter: RateLimiter;
  private readonly quiet: QuietHours | null;
  private readonly marks = new GroupCommit<Mark, void>(
    (marks) => this.markAll(marks),
    (mark) => this.markAll([mark]).then(() => undefined),
  );

  constructor(
    private readonly em: EntityManager,
    private readonly providers: ProviderRegistry,
    private readonly clock: Clock,
    private readonly relay: OutboxRelay,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.loops = Array.from(
      { length: config.DISPATCH_WORKERS },
      (_, index) => new WorkLoop(`dispatcher ${index + 1}`, () => this.dispatchDue(), config.DISPATCH_POLL_MS, this.logger),
    );
    this.limiter = new RateLimiter(config.SEND_RATE_PER_SECOND);
    this.quiet = parseQuietHours(config.QUIET_HOURS, config.QUIET_HOURS_TZ);
  }

  onApplicationBootstrap(): void {
    for (const loop of this.loops) loop.start();
  }

  /** Stops before the ORM and the Kafka producer close (they go in onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  /** Asks the dispatcher to look now (after new notifications were committed). */
  wake(): void {
    for (const loop of this.loops) loop.wake();
  }

  /** Claims and sends one batch of due notifications; returns how many rows it handled. */
  async dispatchDue(): Promise<number> {
    const { handled, claimed } = await this.claim();
    const queue = [...claimed];
    await Promise.all(
      Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await this.send(next);
      }),
    );
    if (handled) this.relay.wake();
    return handled;
  }

  private async claim(): Promise<{ handled: number; claimed: Claimed[] }> {
    return this.em.fork().transactional(async (tx) => {
      const now = this.clock.now();
      await claimInIndexOrder(tx);
      const rows = await tx.find(
        Notification,
        { status: 'queued', nextAttemptAt: { $lte: now } },
        { orderBy: { nextAttemptAt: 'asc' }, limit: this.config.DISPATCH_BATCH_SIZE, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      if (!rows.length) return { handled: 0, claimed: [] };
      const recipients = new Map(
        (await tx.find(Recipient, { id: { $in: [...new Set(rows.map((row) => row.recipientId))] } })).map((r) => [r.id, r]),
      );
      const claimed: Claimed[] = [];
      for (const row of rows) {
        const recipient = recipients.get(row.recipientId);
        if (recipient && hasOptedOut(row.channel, recipient)) {
          this.fail(tx, row, now, DispatchErrorCode.OptedOut, `recipient opted out of ${row.channel}`);
          continue;
        }
        row.address ??= recipient ? addressFor(row.channel, recipient) : null;
        if (!row.address) {
          this.fail(tx, row, now, DispatchErrorCode.NoAddress, `recipient has no ${row.channel} address`);
          continue;
        }
        const holdUntil = this.isQuietable(row, recipient) ? quietHoursEnd(now, this.quiet) : null;
        if (holdUntil) {
          row.nextAttemptAt = holdUntil;
          sendOutcomes.inc({ channel: row.channel, outcome: 'held' });
          continue;
        }
        row.attempts += 1;
        row.nextAttemptAt = new Date(now.getTime() + this.config.SEND_CLAIM_LEASE_MS);
        claimed.push({
          id: row.id,
          channel: row.channel,
          address: row.address,
          subject: row.subject,
          body: row.body,
          htmlBody: row.htmlBody,
          attempts: row.attempts,
          createdAt: row.createdAt,
          traceparent: row.traceparent,
        });
      }
      return { handled: rows.length, claimed };
    });
  }

  /** Quiet hours hold customer SMS/WhatsApp, except emergencies. */
  private isQuietable(row: Notification, recipient: Recipient | undefined): boolean {
    const customer = recipient ? recipient.kind === 'customer' : row.recipientId.startsWith('cust:');
    return customer && (row.channel === 'sms' || row.channel === 'whatsapp') && row.contextType !== 'emergency';
  }

  private async send(row: Claimed): Promise<void> {
    const message: OutboundMessage = {
      notificationId: row.id,
      channel: row.channel,
      to: row.address!,
      body: row.body,
      ...(row.channel === 'email' ? { subject: row.subject, ...(row.htmlBody ? { html: row.htmlBody } : {}) } : {}),
      ...(['sms', 'whatsapp', 'call'].includes(row.channel)
        ? { statusCallbackUrl: new URL('/webhooks/twilio/status', this.config.PUBLIC_BASE_URL).toString() }
        : {}),
    };
    let result: SendResult;
    try {
      const provider = this.providers.forChannel(row.channel);
      // The limit protects real gateways; the sandbox has nothing to protect.
      if (provider.name !== 'sandbox') await this.limiter.take(`${provider.name}:${row.channel}`);
      // A client span in the notification's own trace (the lead event's), whose context the providers send on.
      result = await inSpan(
        `send ${row.channel}`,
        {
          kind: SpanKind.CLIENT,
          parent: row.traceparent ?? null,
          attributes: { 'notification.id': row.id, 'notification.channel': row.channel, 'notification.provider': provider.name, 'notification.attempt': row.attempts },
        },
        () => provider.send(message),
      );
    } catch (error) {
      await this.recordFailure(row, error);
      return;
    }
    await this.mark(row.id, (tx, notification, now) => {
      // A fast gateway callback may already have moved it on; state only moves forward.
      if (notification.status === 'queued') notification.status = 'sent';
      notification.sentAt ??= now;
      notification.gatewayMessageId = result.gatewayMessageId;
      notification.provider = result.provider;
      enqueueNotificationSent(tx, notification, now);
    });
    sendOutcomes.inc({ channel: row.channel, outcome: 'sent' });
    queuedToSent.observe({ channel: row.channel }, (Date.now() - row.createdAt.getTime()) / 1_000);
  }

  private async recordFailure(row: Claimed, error: unknown): Promise<void> {
    const providerError = error instanceof ProviderError ? error : null;
    // Anything that is not a gateway's answer (a bug, a crash in a client) is retried like a timeout.
    const transient = providerError ? providerError.transient : true;
    const code = (providerError?.code ?? (providerError ? 'provider_error' : DispatchErrorCode.Unexpected)).slice(0, 50);
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    const retry = transient && row.attempts <= this.config.SEND_MAX_RETRIES;
    await this.mark(row.id, (tx, notification, now) => {
      notification.lastErrorCode = code;
      notification.lastErrorMessage = message;
      if (notification.status !== 'queued') return;
      if (retry) {
        notification.nextAttemptAt = new Date(now.getTime() + retryDelayMs(row.attempts, this.config.SEND_RETRY_BASE_MS));
      } else {
        this.fail(tx, notification, now, code, message);
      }
    });
    sendOutcomes.inc({ channel: row.channel, outcome: retry ? 'retry' : 'failed' });
    this.logger.warn({ notificationId: row.id, channel: row.channel, attempt: row.attempts, code, retry }, 'send failed');
  }

  private fail(tx: EntityManager, notification: Notification, now: Date, code: string, message: string): void {
    notification.status = 'failed';
    notification.lastErrorCode = code;
    notification.lastErrorMessage = message;
    enqueueNotificationFailed(tx, notification, now);
  }

  private mark(id: string, change: Mark['change']): Promise<void> {
    return this.marks.submit({ id, change });
  }

  private async markAll(marks: Mark[]): Promise<void[]> {
    await this.em.fork().transactional(async (tx) => {
      const rows = await tx.find(Notification, { id: { $in: marks.map((mark) => mark.id) } }, { populate: ['template'] });
      const byId = new Map(rows.map((row) => [row.id, row]));
      const now = this.clock.now();
      for (const mark of marks) {
        const notification = byId.get(mark.id);
        if (!notification) throw new Error(`notification ${mark.id} vanished while it was being sent`);
        mark.change(tx, notification, now);
      }
    });
    return marks.map(() => undefined);
  }
}
