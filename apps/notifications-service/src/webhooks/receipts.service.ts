import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { CallType, NotificationContextType } from '#contracts';
import { recordCallLog } from '../call-logs/call-logs.service.js';
import { applyClickToCallCallback, type ClickToCallCallback, findClickToCall } from '../call-logs/click-to-call-callbacks.js';
import { DeliveryReceipt } from '../notifications/delivery-receipt.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { enqueueNotificationFailed } from '../outbox/outbox.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { toE164 } from '../recipients/phone.js';
import { DomainError } from '#platform/problem';
import { type GatewayCallback, readSendgridEvent, readTwilioStatusCallback } from './gateway-callback.js';
import { enqueueNotificationDelivered } from './receipt-events.js';
import { forwardStatus } from './status-mapping.js';
import { UnmatchedReceipt } from './unmatched-receipt.entity.js';
import { WebhookErrorCode } from './webhooks.errors.js';
import { webhookCallbacks } from './webhooks.metrics.js';

/** What happened to one callback. */
export type CallbackOutcome = 'applied' | 'duplicate' | 'unmatched' | 'ignored';

/** Counts of a batch's callbacks by outcome (the SendGrid webhook answers with these). */
export type CallbackCounts = Record<CallbackOutcome | 'invalid', number> & { received: number };

/** Who "made" an automated voice notification call, in its call log. */
export const SYSTEM_CALLER = 'notifications-service';

/** The purpose of an automated call, from what the notification is about. */
const callTypeOfContext: Record<NotificationContextType, CallType> = {
  lead: 'introductory',
  survey: 'survey_confirmation',
  installation: 'installation_confirmation',
  payment: 'post_install',
  emergency: 'emergency',
};

/**
 * Applies gateway callbacks: one DeliveryReceipt per distinct callback (dedupe key), the
 * notification's status moved forward only, `delivered` / `failed` events and call logs written
 * to the outbox in the same transaction, and callbacks for unknown messages kept for reconciliation.
 */
@Injectable()
export class ReceiptsService {
  private readonly logger = new Logger(ReceiptsService.name);

  constructor(private readonly em: EntityManager) {}

  /** A Twilio message or call status callback (signature already checked). */
  async twilioStatus(params: Record<string, unknown>, now = new Date()): Promise<CallbackOutcome> {
    const callback = readTwilioStatusCallback(params, now);
    if (!callback) {
      throw new DomainError('invalid', WebhookErrorCode.UnusableCallback, 'The callback names no message or call', [
        { field: 'MessageSid', message: 'MessageSid + MessageStatus or CallSid + CallStatus are required' },
      ]);
    }
    const [outcome] = await this.apply([callback]);
    return outcome;
  }

  /** A SendGrid event batch: unusable events are counted and skipped, the usable ones kept. */
  async sendgridEvents(body: unknown, now = new Date()): Promise<CallbackCounts> {
    if (!Array.isArray(body)) {
      throw new DomainError('invalid', WebhookErrorCode.NotAnEventArray, 'The body must be a JSON array of events');
    }
    const callbacks = body.map((event) => readSendgridEvent(event, now));
    const usable = callbacks.filter((callback): callback is GatewayCallback => callback !== null);
    const outcomes = usable.length ? await this.apply(usable) : [];
    const counts: CallbackCounts = { received: body.length, applied: 0, duplicate: 0, unmatched: 0, ignored: 0, invalid: body.length - usable.length };
    for (const outcome of outcomes) counts[outcome] += 1;
    if (counts.invalid) webhookCallbacks.inc({ provider: 'sendgrid', outcome: 'invalid' }, counts.invalid);
    return counts;
  }

  /** Applies a batch in one transaction; a concurrent twin of an unmatched callback is retried once. */
  async apply(callbacks: GatewayCallback[]): Promise<CallbackOutcome[]> {
    let outcomes: CallbackOutcome[];
    try {
      outcomes = await this.applyOnce(callbacks, true);
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      outcomes = await this.applyOnce(callbacks, true);
    }
    callbacks.forEach((callback, index) => webhookCallbacks.inc({ provider: callback.provider, outcome: outcomes[index] }));
    return outcomes;
  }

  /**
   * Applies callbacks kept as unmatched, when their notification now exists (a callback can
   * overtake the dispatcher's commit of the gateway id). Returns the outcomes; `unmatched` stays kept.
   */
  async applyKept(callbacks: GatewayCallback[]): Promise<CallbackOutcome[]> {
    return this.applyOnce(callbacks, false);
  }

  private async applyOnce(callbacks: GatewayCallback[], keepUnmatched: boolean): Promise<CallbackOutcome[]> {
    const actionable = callbacks.map((c) => c.meaning.receipt !== null || Boolean(c.optOutEmail) || Boolean(c.call?.outcome));
    if (!actionable.some(Boolean)) return callbacks.map(() => 'ignored');

    return this.em.fork().transactional(async (tx) => {
      const notifications = await this.lockNotifications(tx, callbacks.filter((_, i) => actionable[i]));
      const keys = callbacks.map((c) => c.dedupeKey);
      const seen = new Set<string>([
        ...(await tx.find(DeliveryReceipt, { dedupeKey: { $in: keys } }, { fields: ['dedupeKey'] })).map((r) => r.dedupeKey),
        ...(keepUnmatched
          ? (await tx.find(UnmatchedReceipt, { dedupeKey: { $in: keys } }, { fields: ['dedupeKey'] })).map((r) => r.dedupeKey)
          : []),
      ]);

      const outcomes: CallbackOutcome[] = [];
      for (const [index, callback] of callbacks.entries()) {
        outcomes.push(actionable[index] ? await this.applyOne(tx, notifications, seen, callback, keepUnmatched) : 'ignored');
      }
      return outcomes;
    });
  }

  private async applyOne(
    tx: EntityManager,
    notifications: Notification[],
    seen: Set<string>,
    callback: GatewayCallback,
    keepUnmatched: boolean,
  ): Promise<CallbackOutcome> {
    const notification = this.match(notifications, callback);
    if (!notification && callback.call && callback.gatewayMessageId) {
      const clickToCall = toClickToCallCallback(callback);
      const row = await findClickToCall(tx, clickToCall);
      if (row) {
        if (seen.has(callback.dedupeKey)) return 'duplicate';
        seen.add(callback.dedupeKey);
        return applyClickToCallCallback(tx, row, clickToCall);
      }
    }
    if (!notification) {
      if (!keepUnmatched) return 'unmatched';
      if (seen.has(callback.dedupeKey)) return 'duplicate';
      seen.add(callback.dedupeKey);
      tx.create(UnmatchedReceipt, {
        provider: callback.provider,
        gatewayMessageId: callback.gatewayMessageId,
        notificationRef: callback.notificationRef,
        gatewayStatus: callback.gatewayStatus,
        status: callback.meaning.receipt,
        errorCode: callback.errorCode,
        errorMessage: callback.errorMessage,
        rawPayload: callback.raw,
        dedupeKey: callback.dedupeKey,
      });
      this.logger.warn({ provider: callback.provider, gatewayMessageId: callback.gatewayMessageId }, 'callback for an unknown message kept');
      return 'unmatched';
    }
    if (callback.optOutEmail) await this.optOutEmail(tx, notification);
    if (!callback.meaning.receipt) return 'applied';
    if (seen.has(callback.dedupeKey)) return 'duplicate';
    seen.add(callback.dedupeKey);
    this.applyTo(tx, notification, callback);
    return 'applied';
  }

  /** Locks every notification the callbacks name, in id order (two batches never deadlock). */
  private async lockNotifications(tx: EntityManager, callbacks: GatewayCallback[]): Promise<Notification[]> {
    const ids = [...new Set(callbacks.map((c) => c.notificationRef).filter((id): id is string => id !== null))];
    const gatewayIds = [...new Set(callbacks.map((c) => c.gatewayMessageId).filter((id): id is string => id !== null))];
    if (!ids.length && !gatewayIds.length) return [];
    const rows = await tx.find(
      Notification,
      { $or: [...(ids.length ? [{ id: { $in: ids } }] : []), ...(gatewayIds.length ? [{ gatewayMessageId: { $in: gatewayIds } }] : [])] },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    // Populated apart: FOR UPDATE cannot lock the nullable side of the join a populate would add.
    if (rows.length) await tx.populate(rows, ['template']);
    return rows;
  }

  private match(notifications: Notification[], callback: GatewayCallback): Notification | undefined {
    return (
      (callback.notificationRef ? notifications.find((n) => n.id === callback.notificationRef) : undefined) ??
      (callback.gatewayMessageId ? notifications.find((n) => n.gatewayMessageId === callback.gatewayMessageId) : undefined)
    );
  }

  private applyTo(tx: EntityManager, notification: Notification, callback: GatewayCallback): void {
    tx.create(DeliveryReceipt, {
      notification,
      status: callback.meaning.receipt!,
      gatewayMessageId: callback.gatewayMessageId,
      errorCode: callback.errorCode,
      errorMessage: callback.errorMessage,
      rawPayload: callback.raw,
      dedupeKey: callback.dedupeKey,
    });
    notification.gatewayMessageId ??= callback.gatewayMessageId;
    const at = callback.occurredAt;
    if (callback.meaning.receipt === 'read') notification.readAt ??= at;

    const next = forwardStatus(notification.status, callback.meaning.moveTo);
    if (next === 'sent') {
      notification.status = 'sent';
      notification.sentAt ??= at;
    } else if (next === 'delivered') {
      notification.status = 'delivered';
      notification.sentAt ??= at;
      notification.deliveredAt = at;
      enqueueNotificationDelivered(tx, notification, at);
    } else if (next === 'failed') {
      notification.status = 'failed';
      notification.lastErrorCode = callback.errorCode ?? callback.gatewayStatus.slice(0, 50);
      notification.lastErrorMessage = callback.errorMessage || `${callback.provider}: ${callback.gatewayStatus}`;
      enqueueNotificationFailed(tx, notification, at);
    }

    if (notification.channel === 'call' && callback.call?.outcome) this.logCall(tx, notification, callback);
  }

  private logCall(tx: EntityManager, notification: Notification, callback: GatewayCallback): void {
    const calleePhone = toE164(notification.address) ?? toE164(callback.call!.to);
    if (!calleePhone) {
      this.logger.warn({ notificationId: notification.id }, 'call callback without a valid callee phone: no call log');
      return;
    }
    // contextId is required on a call log; a notification about nothing in particular is its own context.
    const context = notification.contextId
      ? { contextType: notification.contextType, contextId: notification.contextId }
      : { contextType: 'notification', contextId: notification.id };
    recordCallLog(tx, {
      callerId: SYSTEM_CALLER,
      calleePhone,
      callType: callTypeOfContext[notification.contextType],
      ...context,
      outcome: callback.call!.outcome!,
      durationSeconds: callback.call!.durationSeconds,
      notes: `Automated voice notification ${notification.id} (Twilio ${callback.gatewayMessageId}: ${callback.gatewayStatus})`,
      calledAt: notification.sentAt ?? callback.occurredAt,
    });
  }

  private async optOutEmail(tx: EntityManager, notification: Notification): Promise<void> {
    // Set in the same transaction as the receipts; a repeat is harmless (already opted out).
    await tx.nativeUpdate(Recipient, { id: notification.recipientId }, { optOutEmail: true });
  }
}

function toClickToCallCallback(callback: GatewayCallback): ClickToCallCallback {
  return {
    callSid: callback.gatewayMessageId!,
    parentCallSid: callback.call!.parentCallSid,
    gatewayStatus: callback.gatewayStatus,
    failed: callback.meaning.receipt === 'failed',
    outcome: callback.call!.outcome,
    durationSeconds: callback.call!.durationSeconds,
  };
}
