import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { rereadCallback, type GatewayCallback } from './gateway-callback.js';
import { ReceiptsService } from './receipts.service.js';
import { UnmatchedReceipt } from './unmatched-receipt.entity.js';

/** How far back reconciliation looks: the race it heals (callback before the send's commit) lasts seconds. */
export const RECONCILE_WINDOW_MS = 15 * 60_000;
const RECONCILE_EVERY_MS = 5_000;

/**
 * Re-matches kept (unmatched) callbacks: a gateway may call back before the dispatcher has
 * committed the message's gateway id. Recent rows whose notification now exists are applied
 * like a fresh callback and marked reconciled; older ones stay for an operator to look at.
 */
@Injectable()
export class ReceiptReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptReconciler.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly em: EntityManager,
    private readonly receipts: ReceiptsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.reconcile().catch((error) => this.logger.warn({ err: error }, 'reconciliation failed; will retry'));
    }, RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many kept callbacks found their notification. */
  async reconcile(now = new Date(), limit = 200): Promise<number> {
    const em = this.em.fork();
    const rows = await em.find(
      UnmatchedReceipt,
      { reconciledAt: null, receivedAt: { $gte: new Date(now.getTime() - RECONCILE_WINDOW_MS) } },
      { orderBy: { receivedAt: 'asc' }, limit },
    );
    const pairs = rows
      .map((row) => ({ row, callback: rereadCallback(row.provider, row.rawPayload, row.receivedAt) }))
      .filter((pair): pair is { row: UnmatchedReceipt; callback: GatewayCallback } => pair.callback !== null);
    if (!pairs.length) return 0;
    const outcomes = await this.receipts.applyKept(pairs.map((pair) => pair.callback));
    const done = pairs.filter((_, index) => outcomes[index] === 'applied' || outcomes[index] === 'duplicate').map((pair) => pair.row.id);
    if (done.length) await em.nativeUpdate(UnmatchedReceipt, { id: { $in: done } }, { reconciledAt: now });
    return done.length;
  }
}
