import pg from 'pg';

/** What a lead.created event demands by the seeded rules: the customer's SMS, WhatsApp and email (they gave one). */
export const NOTIFICATIONS_PER_CREATED_LEAD = 3;

/** lost / duplicated against what the rules demand, counted in notifications. */
export interface Tally {
  expectedEvents: number;
  /** Events (or leads) with at least one notification. */
  reached: number;
  notifications: number;
  lost: number;
  duplicated: number;
}

/** Runs one query on a database and closes the connection. */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Counts notifications per source (an event id, or a lead id for leads created over HTTP) in the notifications
 * database: a source with fewer than `perSource` is lost, more (or the same template twice) is duplicated.
 */
export async function tally(
  notificationsUrl: string,
  by: 'event_id' | 'context_id',
  sources: readonly string[],
  perSource = NOTIFICATIONS_PER_CREATED_LEAD,
): Promise<Tally> {
  const rows = await query<{ source: string; n: number; distinct_templates: number }>(
    notificationsUrl,
    `select ${by}::text as source, count(*)::int as n, count(distinct (template_id, recipient_id, channel))::int as distinct_templates
       from notification where ${by} = any($1::uuid[]) group by ${by}`,
    [sources],
  );
  const found = new Map(rows.map((row) => [row.source, row]));
  let lost = 0;
  let duplicated = 0;
  let notifications = 0;
  for (const source of sources) {
    const row = found.get(source);
    const n = row?.n ?? 0;
    const distinct = row?.distinct_templates ?? 0;
    notifications += n;
    lost += Math.max(0, perSource - distinct);
    duplicated += n - distinct + Math.max(0, distinct - perSource);
  }
  return { expectedEvents: sources.length, reached: found.size, notifications, lost, duplicated };
}

/** How many of `eventIds` the notifications inbox has recorded. */
export async function inboxCount(notificationsUrl: string, eventIds: readonly string[]): Promise<number> {
  const [row] = await query<{ n: number }>(notificationsUrl, 'select count(*)::int as n from inbox_event where event_id = any($1::uuid[])', [
    eventIds,
  ]);
  return row.n;
}

/** Total rows in the notifications inbox (progress while events are still being produced). */
export async function inboxTotal(notificationsUrl: string): Promise<number> {
  const [row] = await query<{ n: number }>(notificationsUrl, 'select count(*)::int as n from inbox_event');
  return row.n;
}

/** Outbox rows of leads-service not yet published to Kafka. */
export async function unpublishedOutbox(leadsUrl: string): Promise<number> {
  const [row] = await query<{ n: number }>(leadsUrl, 'select count(*)::int as n from outbox_messages where published_at is null');
  return row.n;
}

/** A database URL with another database name. */
export function withDatabase(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname}${suffix}`;
  return parsed.toString();
}
