import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { GroupCommit } from '#platform/group-commit';
import { inSpan, SpanKind } from '#platform/tracing';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { ProviderRegistry } from '../delivery/provider-registry.js';
import { type OutboundMessage, ProviderError, type SendResult } from '../delivery/provider.js';
import { notificationFailed, notificationSent } from '../outbox/outbox.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { addressFor, hasOptedOut } from '../recipients/addresses.js';
import { retryDelayMs } from './backoff.js';
import { Clock } from './clock.js';
import { DispatchErrorCode } from './dispatch.errors.js';
import { type ClaimDecision, type DueNotification, NotificationQueue, type SendOutcome, storable } from './notification-queue.js';
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

const SEND_CONCURRENCY = 8;
/**
 * How many rows claimed by the lead-event consumer may wait in memory for their send. Past it, new
 * rows are left to the claim loops: a handed-over row must be sent well within its lease.
 */
const HANDOVER_CAPACITY = 1_000;

/** What the claim decision needs of a row. */
export type ClaimCandidate = Pick<DueNotification, 'channel' | 'address' | 'recipient' | 'recipientId' | 'contextType'>;

/**
 * Sends queued notifications outside the consumer's transaction, in three steps (NotificationQueue
 * holds the SQL):
 * 1. claim (one short transaction, FOR UPDATE SKIP LOCKED): due queued rows are checked for
 *    opt-out, address and quiet hours; those to send get `attempts + 1` and a lease
 *    (`next_attempt_at = now + SEND_CLAIM_LEASE_MS`) so no other replica takes them meanwhile;
 * 2. send through the channel's provider, with no transaction open;
 * 3. mark: sent / rescheduled with backoff / failed, with its outbox event — outcomes that finish
 *    together share one statement (group commit); a failing one is redone alone.
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
  private readonly queue: NotificationQueue;
  /** Rows the consumer claimed in the transaction that created them, waiting for a sender. */
  private readonly handedOver: DueNotification[] = [];
  private readonly senders = new Set<Promise<void>>();
  private stopping = false;
  /** Outcomes that finish together are written in one statement; a failing batch is redone one by one. */
  private readonly marks = new GroupCommit<SendOutcome, void>(
    async (outcomes) => {
      await this.record(outcomes);
      return outcomes.map(() => undefined);
    },
    (outcome) => this.record([outcome]),
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
    this.queue = new NotificationQueue(em);
    this.limiter = new RateLimiter(config.SEND_RATE_PER_SECOND);
    this.quiet = parseQuietHours(config.QUIET_HOURS, config.QUIET_HOURS_TZ);
  }

  onApplicationBootstrap(): void {
    for (const loop of this.loops) loop.start();
  }

  /** Stops before the ORM and the Kafka producer close (they go in onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    // Rows still waiting in memory stay leased: after their lease a claim sends them.
    this.handedOver.length = 0;
    await Promise.all([...this.loops.map((loop) => loop.stop()), ...this.senders]);
  }

  /**
   * Asks the dispatcher to look now (after new notifications were committed): one sleeping loop
   * is woken, not all of them — a handful of new rows is one claim, not one empty claim per loop.
   * A loop whose claim came back full wakes the next (see dispatchDue), so a backlog still gets
   * every loop.
   */
  wake(): void {
    (this.loops.find((loop) => loop.sleeping) ?? this.loops[0]).wake();
  }

  /** How many more claimed rows `sendClaimed` takes now. */
  roomForHandover(): number {
    return this.stopping ? 0 : Math.max(0, HANDOVER_CAPACITY - this.handedOver.length);
  }

  /**
   * Sends rows that were claimed (decided `send`, leased, `attempts` 1) in the transaction that
   * created them, after it committed: the common case skips the wake-up and the claim round trip.
   * A crash before they are sent leaves them leased: a claim sends them after the lease, once.
   */
  sendClaimed(rows: readonly DueNotification[]): void {
    // Shutting down: they stay leased and a claim sends them after the lease (a send now might not get its mark).
    if (this.stopping) return;
    this.handedOver.push(...rows);
    // As many sends in flight as the claim loops have together: each awaits its mark, and marks
    // that finish together share one statement, so fewer senders would cap the marks' batches.
    while (this.senders.size < SEND_CONCURRENCY * this.config.DISPATCH_WORKERS && this.handedOver.length) {
      const sender = this.sendHandedOver().finally(() => this.senders.delete(sender));
      this.senders.add(sender);
    }
  }

  private async sendHandedOver(): Promise<void> {
    for (let next = this.handedOver.shift(); next; next = this.handedOver.shift()) {
      try {
        await this.send(next);
      } catch (error) {
        // Its outcome could not be written (database away): it stays leased and is sent again after the lease.
        this.logger.error({ err: error, notificationId: next.notificationId }, 'send outcome not recorded');
      }
    }
  }

  /** Claims and sends one batch of due notifications; returns how many rows it handled. */
  async dispatchDue(): Promise<number> {
    const { handled, claimed } = await this.claim();
    if (handled === this.config.DISPATCH_BATCH_SIZE) this.wake();
    const queue = [...claimed];
    await Promise.all(
      Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
        // Shutting down, the rest stay leased: sent after the lease, and the shutdown does not wait
        // for a rate-limited backlog (a claim holds up to DISPATCH_BATCH_SIZE rows).
        for (let next = queue.shift(); next && !this.stopping; next = queue.shift()) await this.send(next);
      }),
    );
    if (handled) this.relay.wake();
    return handled;
  }

  private async record(outcomes: SendOutcome[]): Promise<void> {
    const marked = await this.queue.recordOutcomes(outcomes, this.clock.now());
    this.relay.wake();
    // Only a notification deleted while it was being sent is missing; there is nothing left to mark.
    if (marked < outcomes.length) this.logger.warn({ outcomes: outcomes.length, marked }, 'notifications vanished while being sent');
  }

  /** Claims due rows: each is sent (under a lease), held for quiet hours, or failed for opt-out or no address. */
  private claim(): Promise<{ handled: number; claimed: DueNotification[] }> {
    const now = this.clock.now();
    return this.queue.claimDue(now, this.config.DISPATCH_BATCH_SIZE, (row) => this.decide(row, now));
  }

  /** Whether a row due now is sent (under a lease until when), held for quiet hours, or failed for opt-out or no address. */
  decide(row: ClaimCandidate, now: Date): ClaimDecision {
    const { recipient } = row;
    if (recipient && hasOptedOut(row.channel, recipient)) {
      return { kind: 'fail', code: DispatchErrorCode.OptedOut, message: `recipient opted out of ${row.channel}` };
    }
    const address = row.address ?? (recipient ? addressFor(row.channel, recipient) : null);
    if (!address) return { kind: 'fail', code: DispatchErrorCode.NoAddress, message: `recipient has no ${row.channel} address` };
    const holdUntil = this.isQuietable(row) ? quietHoursEnd(now, this.quiet) : null;
    if (holdUntil) {
      sendOutcomes.inc({ channel: row.channel, outcome: 'held' });
      return { kind: 'hold', until: holdUntil };
    }
    return { kind: 'send', address, leaseUntil: new Date(now.getTime() + this.config.SEND_CLAIM_LEASE_MS) };
  }

  /** Quiet hours hold customer SMS/WhatsApp, except emergencies. */
  private isQuietable(row: ClaimCandidate): boolean {
    const customer = row.recipient ? row.recipient.kind === 'customer' : row.recipientId.startsWith('cust:');
    return customer && (row.channel === 'sms' || row.channel === 'whatsapp') && row.contextType !== 'emergency';
  }

  private async send(row: DueNotification): Promise<void> {
    const message: OutboundMessage = {
      notificationId: row.notificationId,
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
          attributes: { 'notification.id': row.notificationId, 'notification.channel': row.channel, 'notification.provider': provider.name, 'notification.attempt': row.attempts },
        },
        () => provider.send(message),
      );
    } catch (error) {
      await this.recordFailure(row, error);
      return;
    }
    const sentAt = this.clock.now();
    await this.marks.submit({
      id: row.notificationId,
      kind: 'sent',
      sentAt,
      gatewayMessageId: result.gatewayMessageId,
      provider: result.provider,
      event: notificationSent({ ...row, gatewayMessageId: result.gatewayMessageId }, sentAt),
    });
    sendOutcomes.inc({ channel: row.channel, outcome: 'sent' });
    queuedToSent.observe({ channel: row.channel }, (Date.now() - row.createdAt.getTime()) / 1_000);
  }

  private async recordFailure(row: DueNotification, error: unknown): Promise<void> {
    const providerError = error instanceof ProviderError ? error : null;
    // Anything that is not a gateway's answer (a bug, a crash in a client) is retried like a timeout.
    const transient = providerError ? providerError.transient : true;
    const code = (providerError?.code ?? (providerError ? 'provider_error' : DispatchErrorCode.Unexpected)).slice(0, 50);
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    const retry = transient && row.attempts <= this.config.SEND_MAX_RETRIES;
    const now = this.clock.now();
    await this.marks.submit(
      retry
        ? { id: row.notificationId, kind: 'retry', code, message, nextAttemptAt: new Date(now.getTime() + retryDelayMs(row.attempts, this.config.SEND_RETRY_BASE_MS)) }
        : { id: row.notificationId, kind: 'failed', code, message, event: notificationFailed(row, { errorCode: code, errorMessage: storable(message) }, now) },
    );
    sendOutcomes.inc({ channel: row.channel, outcome: retry ? 'retry' : 'failed' });
    this.logger.warn({ notificationId: row.notificationId, channel: row.channel, attempt: row.attempts, code, retry }, 'send failed');
  }
}
