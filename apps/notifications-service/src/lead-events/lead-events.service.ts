import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { Histogram } from 'prom-client';
import {
  type KnownEvent,
  LeadEventTypes,
  type LeadSnapshot,
  type NotificationChannel,
  type NotificationContextType,
  parseMessage,
} from '#contracts';
import { queryRows } from '#platform/database';
import { GroupCommit } from '#platform/group-commit';
import { traceparentOf, validTraceparent } from '#platform/tracing';
import { Dispatcher } from '../dispatch/dispatcher.service.js';
import type { DueNotification } from '../dispatch/notification-queue.js';
import { Clock } from '../dispatch/clock.js';
import { DispatchErrorCode } from '../dispatch/dispatch.errors.js';
import { insertOutboxEvents, type NotificationFacts, notificationFailed, type OutboxRecord } from '../outbox/outbox.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';
import { addressFor } from '../recipients/addresses.js';
import { type DirectoryEntry, findDirectoryEntries, upsertCustomersFromLeads } from '../recipients/customer-directory.js';
import { type ActiveRule, activeRulesFor } from '../rules/active-rules.js';
import { selectRules } from '../rules/rule-selection.js';
import { TemplateRenderer } from '../templates/template-renderer.js';

const leadEventTypes = new Set<string>(Object.values(LeadEventTypes));

const batchSize = new Histogram({
  name: 'notifications_lead_event_batch_size',
  help: 'Lead events recorded per transaction (group commit)',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
});
type LeadEvent = Extract<KnownEvent, { data: { lead: LeadSnapshot } }>;
/** A notification row as `insertNotifications` writes it. */
interface NewNotification {
  id: string;
  recipient_id: string;
  channel: NotificationChannel;
  template_id: number;
  subject: string;
  body: string;
  html_body: string | null;
  context_type: NotificationContextType;
  context_id: string;
  status: 'queued' | 'failed';
  address: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  event_id: string;
  traceparent: string | null;
  /** 1 when claimed for a send in the creating transaction (then `next_attempt_at` is its lease). */
  attempts: number;
  /** Due time: now, the end of quiet hours, or the lease of a claimed row. */
  next_attempt_at: Date | null;
}

const factsOfNew = (row: NewNotification, rule: ActiveRule): NotificationFacts => ({
  notificationId: row.id,
  recipientId: row.recipient_id,
  channel: row.channel,
  contextType: row.context_type,
  contextId: row.context_id,
  templateName: rule.template.name,
  gatewayMessageId: null,
  traceparent: row.traceparent,
});

/**
 * Writes a batch's notifications with one statement, and counts each event's into its inbox row
 * in the same statement (data-modifying CTE): no entities, one round trip whatever the batch size.
 */
async function insertNotifications(tx: EntityManager, rows: readonly NewNotification[], now: Date): Promise<void> {
  if (!rows.length) return;
  await queryRows(
    tx,
    `with created as (
       insert into notification (id, recipient_id, channel, template_id, subject, body, html_body, context_type, context_id,
                                 status, address, attempts, next_attempt_at, last_error_code, last_error_message, event_id,
                                 traceparent, created_at, updated_at)
       select n.id, n.recipient_id, n.channel, n.template_id, n.subject, n.body, n.html_body, n.context_type, n.context_id,
              n.status, n.address, n.attempts, coalesce(n.next_attempt_at, $1), n.last_error_code, n.last_error_message,
              n.event_id, n.traceparent, $1, $1
         from json_to_recordset($2::json) as n(id uuid, recipient_id text, channel text, template_id int, subject text, body text,
              html_body text, context_type text, context_id uuid, status text, address text, attempts int,
              next_attempt_at timestamptz, last_error_code text, last_error_message text, event_id uuid, traceparent text)
       returning event_id
     )
     update inbox_event i set notifications = c.n
       from (select event_id, count(*)::int as n from created group by event_id) c
      where i.event_id = c.event_id`,
    [now, JSON.stringify(rows)],
  );
}

/** The optional fields of lead events that rules and templates use. */
type EventFields = { from?: LeadSnapshot['status']; to?: LeadSnapshot['status']; reason?: string | null; assignedToId?: string };

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
    256,
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

  /**
   * Records a batch of events in one transaction with a handful of statements whatever its size:
   * one inbox insert (the ids it returns are the events not seen before), one customer upsert, one
   * recipients lookup (when a rule addresses staff or an OEM), the notifications and their inbox
   * counts in one statement; the rules are read beside it. Then hands the leased notifications to
   * the dispatcher and wakes it and the relay.
   */
  private async recordAll(events: LeadEvent[]): Promise<(number | null)[]> {
    batchSize.observe(events.length);
    const now = this.clock.now();
    // The rules are configuration: read beside the transaction, on another connection, while it
    // inserts the inbox rows (a round trip less inside it). A failed read fails the transaction.
    const rulesRead = activeRulesFor(this.em.fork(), [...new Set(events.map((event) => event.type))]);
    rulesRead.catch(() => undefined);
    const { counts, claimed } = await this.em.fork().transactional(async (tx) => {
      const fresh = await this.claimInbox(tx, events, now);
      const todo = events.filter((event) => fresh.has(event.id));
      if (!todo.length) return { counts: new Map<string, number>(), claimed: [] };

      const customers = await upsertCustomersFromLeads(
        tx,
        todo.map((event) => event.data.lead),
      );
      const rules = await rulesRead;
      const plans = todo.map((event) => {
        const data = event.data as EventFields;
        const customer = customers.get(event.data.lead.customerPhone) ?? null;
        const selected = selectRules(rules.get(event.type) ?? [], { type: event.type, to: data.to ?? null, from: data.from ?? null });
        const targets = selected.map((rule) => ({ rule, recipientId: this.audienceId(rule.audience, event.data.lead, data, customer) }));
        return { event, data, customer, targets };
      });
      const others = new Set(
        plans.flatMap((plan) => plan.targets.map((t) => t.recipientId).filter((id): id is string => !!id && id !== plan.customer?.id)),
      );
      const recipients = await findDirectoryEntries(tx, [...others]);

      const created = new Map<string, number>();
      const rows: NewNotification[] = [];
      const failures: OutboxRecord[] = [];
      const claimed: DueNotification[] = [];
      let room = this.dispatcher.roomForHandover();
      for (const { event, data, customer, targets } of plans) {
        let n = 0;
        for (const { rule, recipientId } of targets) {
          const recipient = recipientId === customer?.id ? customer : recipientId ? (recipients.get(recipientId) ?? null) : null;
          const row = this.notification(event, rule, data, recipientId, recipient);
          if (!row) continue;
          n++;
          rows.push(row);
          const facts = factsOfNew(row, rule);
          if (row.status === 'queued') {
            // Claimed here, in the transaction that creates it, as the dispatcher's claim would:
            // sent right after the commit, held for quiet hours, or failed (opted out, no address).
            const candidate = { ...facts, address: row.address, recipient, contextType: row.context_type };
            const decision = this.dispatcher.decide(candidate, now);
            if (decision.kind === 'hold') row.next_attempt_at = decision.until;
            else if (decision.kind === 'fail') {
              row.status = 'failed';
              row.last_error_code = decision.code;
              row.last_error_message = decision.message;
            } else if (room > 0) {
              room--;
              Object.assign(row, { address: decision.address, attempts: 1, next_attempt_at: decision.leaseUntil });
              claimed.push({ ...facts, status: 'queued', address: decision.address, subject: row.subject, body: row.body, htmlBody: row.html_body, attempts: 1, createdAt: now, recipient });
            }
          }
          if (row.status === 'failed') {
            failures.push(notificationFailed(facts, { errorCode: row.last_error_code, errorMessage: row.last_error_message ?? '' }, now));
          }
        }
        created.set(event.id, n);
      }
      await insertNotifications(tx, rows, now);
      await insertOutboxEvents(tx, failures, now);
      return { counts: created, claimed };
    });
    if (claimed.length) this.dispatcher.sendClaimed(claimed);
    if ([...counts.values()].some((n) => n > 0)) {
      // Rows left queued (no room in memory) are the claim loops' work.
      this.dispatcher.wake();
      this.relay.wake();
    }
    return events.map((event) => counts.get(event.id) ?? null);
  }

  /** Inserts the batch's inbox rows; returns the ids that were new (a redelivered event inserts nothing). */
  private async claimInbox(tx: EntityManager, events: LeadEvent[], now: Date): Promise<Set<string>> {
    const rows = await queryRows<{ event_id: string }>(
      tx,
      `insert into inbox_event (event_id, type, notifications, processed_at)
         select id, type, 0, $1 from unnest($2::uuid[], $3::text[]) as e(id, type)
       on conflict (event_id) do nothing returning event_id`,
      [now, events.map((event) => event.id), events.map((event) => event.type)],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** The rule's notification for this event (rendered, or failed when it does not render); null when there is no one to address. */
  private notification(
    event: LeadEvent,
    rule: ActiveRule,
    data: EventFields,
    recipientId: string | null,
    recipient: DirectoryEntry | null,
  ): NewNotification | null {
    const { lead } = event.data;
    if (!recipientId) {
      // Only an assignee can be missing (an unassigned lead); nothing to address.
      this.logger.warn({ eventId: event.id, ruleId: rule.id, audience: rule.audience }, 'rule has no recipient for this lead');
      return null;
    }
    // A lead whose phone is not a number still reaches the customer by email; its SMS/WhatsApp
    // are kept as failed (no address) rather than silently dropped.
    const contact = recipient ?? (rule.audience === 'customer' ? { email: lead.customerEmail } : null);
    const address = contact ? addressFor(rule.template.channel, contact) : null;
    if (!address && rule.skipWithoutAddress) return null;

    const row: NewNotification = {
      id: randomUUID(),
      recipient_id: recipientId,
      channel: rule.template.channel,
      template_id: rule.template.id,
      subject: '',
      body: '',
      html_body: null,
      context_type: rule.contextType,
      context_id: lead.id,
      status: 'queued',
      address,
      last_error_code: null,
      last_error_message: null,
      event_id: event.id,
      traceparent: event.traceparent ?? null,
      attempts: 0,
      next_attempt_at: null,
    };
    try {
      const context = {
        lead,
        event: { type: event.type, time: event.time, from: data.from ?? null, to: data.to ?? null, reason: data.reason ?? null },
        recipient: { id: recipientId, name: recipient?.name ?? (rule.audience === 'customer' ? lead.customerName : '') },
      };
      const rendered = this.renderer.render(rule.template, context);
      row.subject = rendered.subject.slice(0, 255);
      row.body = rendered.body;
      row.html_body = rendered.html;
    } catch (error) {
      // A broken template fails loudly (a failed notification and event, an error log) without
      // holding back the event's other messages.
      row.status = 'failed';
      row.last_error_code = DispatchErrorCode.TemplateRender;
      row.last_error_message = (error as Error).message;
      this.logger.error({ eventId: event.id, templateId: rule.template.id, err: (error as Error).message }, 'template did not render');
    }
    return row;
  }

  private audienceId(
    audience: string,
    lead: LeadSnapshot,
    data: EventFields,
    customer: DirectoryEntry | null,
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
