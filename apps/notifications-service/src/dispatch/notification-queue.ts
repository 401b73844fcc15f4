import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationChannel, NotificationContextType } from '#contracts';
import { claimInIndexOrder, queryRows } from '#platform/database';
import { insertOutboxEvents, type NotificationFacts, notificationFailed, outboxColumns, type OutboxRecord } from '../outbox/outbox.js';
import { type DirectoryEntry, type DirectoryRow, directoryJson, toDirectoryEntry } from '../recipients/customer-directory.js';

/** A due notification as the claim reads it, with its recipient's directory entry (if any). */
export interface DueNotification extends NotificationFacts {
  status: string;
  address: string | null;
  subject: string;
  body: string;
  htmlBody: string | null;
  attempts: number;
  createdAt: Date;
  recipient: DirectoryEntry | null;
}

/** What the dispatcher decided for a claimed row. */
export type ClaimDecision =
  | { kind: 'send'; address: string; leaseUntil: Date }
  | { kind: 'hold'; until: Date }
  | { kind: 'fail'; code: string; message: string };

/**
 * The outcome of one send, to be written to its notification, with the event it publishes (built
 * from the claimed row's facts): `sent` always publishes it, `failed` only when the row was still
 * queued, `retry` none.
 */
export type SendOutcome =
  | { id: string; kind: 'sent'; sentAt: Date; gatewayMessageId: string; provider: string; event: OutboxRecord }
  | { id: string; kind: 'retry'; code: string; message: string; nextAttemptAt: Date }
  | { id: string; kind: 'failed'; code: string; message: string; event: OutboxRecord };

/** PostgreSQL text cannot hold NUL; a gateway's error text is stored without it. */
export const storable = (text: string) => text.replaceAll('\u0000', '');

/** The columns a row is left with, written set-wise by `writeRows`. */
interface RowUpdate {
  id: string;
  status: string;
  address: string | null;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  gatewayMessageId: string | null;
  provider: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
}

const SELECT_DUE = `
select n.id, n.status, n.recipient_id, n.channel, n.context_type, n.context_id, n.address, n.subject, n.body,
       n.html_body, n.attempts, n.created_at, n.traceparent, n.gateway_message_id, n.sent_at, n.provider,
       n.next_attempt_at, n.last_error_code, n.last_error_message, t.name as template_name, ${directoryJson('r')} as recipient
  from notification n
  left join notification_template t on t.id = n.template_id
  left join recipient r on r.id = n.recipient_id`;

interface DueRow {
  id: string;
  status: string;
  recipient_id: string;
  channel: NotificationChannel;
  context_type: NotificationContextType;
  context_id: string | null;
  address: string | null;
  subject: string;
  body: string;
  html_body: string | null;
  attempts: number;
  created_at: Date;
  traceparent: string | null;
  gateway_message_id: string | null;
  sent_at: Date | null;
  provider: string | null;
  next_attempt_at: Date;
  last_error_code: string | null;
  last_error_message: string | null;
  template_name: string | null;
  recipient: DirectoryRow | null;
}

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function toDue(row: DueRow): DueNotification & { current: RowUpdate } {
  return {
    notificationId: row.id,
    recipientId: row.recipient_id,
    channel: row.channel,
    contextType: row.context_type,
    contextId: row.context_id,
    templateName: row.template_name,
    gatewayMessageId: row.gateway_message_id,
    traceparent: row.traceparent,
    status: row.status,
    address: row.address,
    subject: row.subject,
    body: row.body,
    htmlBody: row.html_body,
    attempts: row.attempts,
    createdAt: asDate(row.created_at),
    recipient: row.recipient ? toDirectoryEntry(row.recipient) : null,
    current: {
      id: row.id,
      status: row.status,
      address: row.address,
      attempts: row.attempts,
      nextAttemptAt: asDate(row.next_attempt_at),
      sentAt: row.sent_at ? asDate(row.sent_at) : null,
      gatewayMessageId: row.gateway_message_id,
      provider: row.provider,
      lastErrorCode: row.last_error_code,
      lastErrorMessage: row.last_error_message,
    },
  };
}

/** Writes the rows' new state with one statement, and their events with it. */
async function writeRows(tx: EntityManager, rows: RowUpdate[], events: OutboxRecord[], now: Date): Promise<void> {
  if (rows.length) {
    await queryRows(
      tx,
      `update notification n
          set status = v.status, address = v.address, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
              sent_at = v.sent_at, gateway_message_id = v.gateway_message_id, provider = v.provider,
              last_error_code = v.last_error_code, last_error_message = v.last_error_message, updated_at = $1
         from json_to_recordset($2::json) as v(id uuid, status text, address text, attempts int, next_attempt_at timestamptz,
              sent_at timestamptz, gateway_message_id text, provider text, last_error_code text, last_error_message text)
        where n.id = v.id`,
      [
        now,
        JSON.stringify(
          rows.map((row) => ({
            id: row.id,
            status: row.status,
            address: row.address,
            attempts: row.attempts,
            next_attempt_at: row.nextAttemptAt,
            sent_at: row.sentAt,
            gateway_message_id: row.gatewayMessageId,
            provider: row.provider,
            last_error_code: row.lastErrorCode,
            last_error_message: row.lastErrorMessage,
          })),
        ),
      ],
    );
  }
  await insertOutboxEvents(tx, events, now);
}

/**
 * The dispatcher's reads and writes of the notification table, set-wise and in plain SQL: a claim
 * is one locking read (with each row's template name and recipient) and one update, a batch of
 * send outcomes one locking read and one update with its events — whatever the batch size, and
 * with no entity hydration or change sets on this hot path.
 */
export class NotificationQueue {
  constructor(private readonly em: EntityManager) {}

  /**
   * Locks up to `limit` due queued rows (FOR UPDATE SKIP LOCKED, in due order) and applies
   * `decide` to each in the same transaction: send (claimed under a lease, `attempts + 1`), hold
   * (due later) or fail (with its `notification.failed` event). Returns the rows to send.
   */
  async claimDue(
    now: Date,
    limit: number,
    decide: (row: DueNotification) => ClaimDecision,
  ): Promise<{ handled: number; claimed: DueNotification[] }> {
    return this.em.fork().transactional(async (tx) => {
      await claimInIndexOrder(tx);
      const rows = await queryRows<DueRow>(
        tx,
        `${SELECT_DUE}
          where n.status = 'queued' and n.next_attempt_at <= $1
          order by n.next_attempt_at limit $2 for update of n skip locked`,
        [now, limit],
      );
      const claimed: DueNotification[] = [];
      const updates: RowUpdate[] = [];
      const events: OutboxRecord[] = [];
      for (const row of rows.map(toDue)) {
        const { current, ...due } = row;
        const decision = decide(due);
        if (decision.kind === 'send') {
          const update = { ...current, address: decision.address, attempts: current.attempts + 1, nextAttemptAt: decision.leaseUntil };
          updates.push(update);
          claimed.push({ ...due, address: update.address, attempts: update.attempts });
        } else if (decision.kind === 'hold') {
          updates.push({ ...current, nextAttemptAt: decision.until });
        } else {
          const message = storable(decision.message);
          updates.push({ ...current, status: 'failed', lastErrorCode: decision.code, lastErrorMessage: message });
          events.push(notificationFailed(due, { errorCode: decision.code, errorMessage: message }, now));
        }
      }
      await writeRows(tx, updates, events, now);
      return { handled: rows.length, claimed };
    });
  }

  /**
   * Writes a batch of send outcomes with ONE statement (data-modifying CTEs, atomic on their own:
   * no BEGIN/COMMIT round trips). It locks the rows, moves each forward from its current status —
   * a row a gateway callback already moved past `queued` keeps its status (a sent one still gets
   * its sent event; a failed send then records only its error) — and writes the events of those
   * that were sent or failed. Returns how many rows it marked (a row deleted meanwhile is not).
   */
  async recordOutcomes(outcomes: readonly SendOutcome[], now: Date): Promise<number> {
    const events = outcomes.flatMap((outcome) =>
      outcome.kind === 'retry' ? [] : [{ notification_id: outcome.id, ...outboxColumns(outcome.event) }],
    );
    const [row] = await queryRows<{ marked: number }>(this.em, RECORD_OUTCOMES, [
      JSON.stringify(
        outcomes.map((outcome) => ({
          id: outcome.id,
          kind: outcome.kind,
          sent_at: outcome.kind === 'sent' ? outcome.sentAt : null,
          gateway_message_id: outcome.kind === 'sent' ? outcome.gatewayMessageId : null,
          provider: outcome.kind === 'sent' ? outcome.provider : null,
          code: outcome.kind === 'sent' ? null : outcome.code,
          message: outcome.kind === 'sent' ? null : storable(outcome.message),
          next_attempt_at: outcome.kind === 'retry' ? outcome.nextAttemptAt : null,
        })),
      ),
      now,
      JSON.stringify(events),
    ]);
    return row.marked;
  }
}

const RECORD_OUTCOMES = `
with outcome as (
  select * from json_to_recordset($1::json) as v(id uuid, kind text, sent_at timestamptz, gateway_message_id text,
    provider text, code text, message text, next_attempt_at timestamptz)
), current as (
  select n.id, n.status from notification n join outcome o on o.id = n.id for update of n
), marked as (
  update notification n
     set status = case when c.status = 'queued' and o.kind in ('sent', 'failed') then o.kind else c.status end,
         sent_at = case when o.kind = 'sent' then coalesce(n.sent_at, o.sent_at) else n.sent_at end,
         gateway_message_id = case when o.kind = 'sent' then o.gateway_message_id else n.gateway_message_id end,
         provider = case when o.kind = 'sent' then o.provider else n.provider end,
         last_error_code = case when o.kind = 'sent' then n.last_error_code else o.code end,
         last_error_message = case when o.kind = 'sent' then n.last_error_message else o.message end,
         next_attempt_at = case when o.kind = 'retry' and c.status = 'queued' then o.next_attempt_at else n.next_attempt_at end,
         updated_at = $2
    from outcome o join current c on c.id = o.id
   where n.id = o.id
  returning n.id, o.kind, c.status as was
), events as (
  insert into outbox_event (event_id, topic, message_key, type, payload, created_at)
  select e.event_id, e.topic, e.message_key, e.type, e.payload, $2
    from json_to_recordset($3::json) as e(notification_id uuid, event_id uuid, topic text, message_key text, type text, payload jsonb)
    join marked m on m.id = e.notification_id
   where m.kind = 'sent' or m.was = 'queued'
)
select count(*)::int as marked from marked`;
