import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { type KnownEvent, LeadEventTypes, type LeadSnapshot, parseMessage } from '#contracts';
import { GroupCommit } from '#platform/group-commit';
import { traceparentOf, validTraceparent } from '#platform/tracing';
import { Dispatcher } from '../dispatch/dispatcher.service.js';
import { Clock } from '../dispatch/clock.js';
import { DispatchErrorCode } from '../dispatch/dispatch.errors.js';
import { Notification } from '../notifications/notification.entity.js';
import { enqueueNotificationFailed } from '../outbox/outbox.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { addressFor } from '../recipients/addresses.js';
import { upsertCustomerFromLead } from '../recipients/customer-directory.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { NotificationRule } from '../rules/notification-rule.entity.js';
import { selectRules } from '../rules/rule-selection.js';
import { TemplateRenderer } from '../templates/template-renderer.js';
import { InboxEvent } from './inbox-event.entity.js';

const leadEventTypes = new Set<string>(Object.values(LeadEventTypes));
type LeadEvent = Extract<KnownEvent, { data: { lead: LeadSnapshot } }>;
/** The optional fields of lead events that rules and templates use. */
type EventFields = { from?: LeadSnapshot['status']; to?: LeadSnapshot['status']; reason?: string | null; assignedToId?: string };

/** Rules of one event type with their templates, looked up once per transaction. */
type RuleCache = Map<string, Promise<NotificationRule[]>>;

/**
 * Turns one lead event into queued notifications, exactly once in effect: the inbox row and the
 * notifications are written in one transaction, and a redelivered event finds its inbox row and
 * creates nothing. Sending happens later, in the dispatcher, outside this transaction.
 *
 * Events arriving together from different partitions share a transaction (group commit): one
 * commit for up to a batch of events instead of one each. Each event's message is acknowledged
 * only after that commit; a batch that fails is redone event by event, so a failing event is
 * retried and dead-lettered alone.
 */
@Injectable()
export class LeadEventsService {
  private readonly logger = new Logger(LeadEventsService.name);
  private readonly writer = new GroupCommit<LeadEvent, number | null>(
    (events) => this.recordAll(events),
    (event) => this.recordAll([event]).then(([created]) => created),
  );

  constructor(
    private readonly em: EntityManager,
    private readonly renderer: TemplateRenderer,
    private readonly dispatcher: Dispatcher,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  /** Handles one raw message value; throws InvalidEventError for a message that breaks the contract. */
  async handle(value: Buffer | null): Promise<'processed' | 'skipped'> {
    const parsed = parseMessage(value);
    // Consumers ignore unknown types (CONTRACT.md); lead events we have no rules for cost one empty lookup.
    if (parsed.kind === 'unknown' || !leadEventTypes.has(parsed.event.type)) return 'skipped';
    // Batches run in whichever message's context started them, so each event takes its own trace
    // context (this message's consumer span) along explicitly, for the notifications it creates.
    const event = { ...(parsed.event as LeadEvent), traceparent: traceparentOf() ?? validTraceparent(parsed.event.traceparent) };
    const created = await this.writer.submit(event);
    if (created === null) {
      this.logger.log({ eventId: event.id, leadId: event.subject }, 'event already handled; skipped');
      return 'skipped';
    }
    return 'processed';
  }

  /** Records events in one transaction, in order; then wakes the dispatcher and the relay. */
  private async recordAll(events: LeadEvent[]): Promise<(number | null)[]> {
    const rules: RuleCache = new Map();
    const created = await this.em.fork().transactional(async (tx) => {
      const results: (number | null)[] = [];
      for (const event of events) results.push(await this.record(tx, event, rules));
      return results;
    });
    if (created.some((n) => n)) {
      this.dispatcher.wake();
      this.relay.wake();
    }
    return created;
  }

  /** Returns how many notifications were created, or null when the event was handled before. */
  private async record(tx: EntityManager, event: LeadEvent, ruleCache: RuleCache): Promise<number | null> {
    const inserted = await tx
      .createQueryBuilder(InboxEvent)
      .insert({ eventId: event.id, type: event.type, processedAt: this.clock.now() })
      .onConflict('eventId')
      .ignore()
      .execute('run');
    if (!inserted.affectedRows) return null;

    const { lead } = event.data;
    const customer = await upsertCustomerFromLead(tx, lead);
    const data = event.data as EventFields;
    let lookup = ruleCache.get(event.type);
    if (!lookup) {
      lookup = tx.find(NotificationRule, { eventType: event.type, isActive: true, template: { isActive: true } }, { populate: ['template'] });
      ruleCache.set(event.type, lookup);
    }
    const rules = await lookup;
    const candidates = rules.map((rule) => ({
      eventType: rule.eventType,
      toStatus: rule.toStatus ?? null,
      fromStatus: rule.fromStatus ?? null,
      audience: rule.audience,
      priority: rule.priority,
      channel: rule.template.channel,
      rule,
    }));
    const selected = selectRules(candidates, { type: event.type, to: data.to ?? null, from: data.from ?? null }).map(
      (candidate) => candidate.rule,
    );

    const now = this.clock.now();
    let created = 0;
    for (const rule of selected) {
      if (await this.notify(tx, event, rule, data, customer, now)) created++;
    }
    await tx.nativeUpdate(InboxEvent, { eventId: event.id }, { notifications: created });
    return created;
  }

  /** Creates the rule's notification for this event (rendered, or failed when it does not render). */
  private async notify(
    tx: EntityManager,
    event: LeadEvent,
    rule: NotificationRule,
    data: EventFields,
    customer: Recipient | null,
    now: Date,
  ): Promise<boolean> {
    const { lead } = event.data;
    const recipientId = this.audienceId(rule.audience, lead, data, customer);
    if (!recipientId) {
      // Only an assignee can be missing (an unassigned lead); nothing to address.
      this.logger.warn({ eventId: event.id, ruleId: rule.id, audience: rule.audience }, 'rule has no recipient for this lead');
      return false;
    }
    const recipient = recipientId === customer?.id ? customer : await tx.findOne(Recipient, recipientId);
    // A lead whose phone is not a number still reaches the customer by email; its SMS/WhatsApp
    // are kept as failed (no address) rather than silently dropped.
    const contact = recipient ?? (rule.audience === 'customer' ? { email: lead.customerEmail } : null);
    const address = contact ? addressFor(rule.template.channel, contact) : null;
    if (!address && rule.skipWithoutAddress) return false;

    const notification = tx.create(Notification, {
      recipientId,
      channel: rule.template.channel,
      template: rule.template,
      body: '',
      contextType: rule.contextType,
      contextId: lead.id,
      address,
      eventId: event.id,
      traceparent: event.traceparent ?? null,
      nextAttemptAt: now,
    });
    try {
      const context = {
        lead,
        event: { type: event.type, time: event.time, from: data.from ?? null, to: data.to ?? null, reason: data.reason ?? null },
        recipient: { id: recipientId, name: recipient?.name ?? (rule.audience === 'customer' ? lead.customerName : '') },
      };
      const rendered = this.renderer.render(rule.template, context);
      notification.subject = rendered.subject.slice(0, 255);
      notification.body = rendered.body;
      notification.htmlBody = rendered.html;
    } catch (error) {
      // A broken template fails loudly (a failed notification and event, an error log) without
      // holding back the event's other messages.
      notification.status = 'failed';
      notification.lastErrorCode = DispatchErrorCode.TemplateRender;
      notification.lastErrorMessage = (error as Error).message;
      enqueueNotificationFailed(tx, notification, now);
      this.logger.error({ eventId: event.id, templateId: rule.template.id, err: (error as Error).message }, 'template did not render');
    }
    return true;
  }

  private audienceId(
    audience: string,
    lead: LeadSnapshot,
    data: EventFields,
    customer: Recipient | null,
  ): string | null {
    switch (audience) {
      case 'customer':
        return customer?.id ?? `cust:${lead.customerPhone.replace(/\s/g, '')}`.slice(0, 100);
      case 'assignee':
        return data.assignedToId ?? lead.assignedToId ?? null;
      case 'oem':
        return lead.oemId;
      default:
        return null;
    }
  }
}
