import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { createCloudEvent, LeadEventTypes, Topics } from '#contracts';
import { generateLead } from './lead-generator.js';
import { summarize, type LatencySummary } from './stats.js';

const { Kafka, logLevel } = kafkajs;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * End-to-end latency of the leads created by one source since `since`: from the lead's commit
 * (created_at in the leads database) to its customer SMS being sent (sent_at in the notifications
 * database). Waits until every lead has its SMS, or the timeout.
 */
export async function endToEndLatency(options: {
  leadsDb: pg.Pool;
  notificationsDb: pg.Pool;
  sourceId: number;
  since: Date;
  timeoutMs: number;
  onProgress?: (sent: number, total: number) => void;
}): Promise<LatencySummary & { missing: number }> {
  const leads = await options.leadsDb.query<{ id: string; created_at: Date }>(
    'select id, created_at from leads where source_id = $1 and created_at >= $2',
    [options.sourceId, options.since],
  );
  const createdAt = new Map(leads.rows.map((row) => [row.id, row.created_at.getTime()]));
  const ids = [...createdAt.keys()];
  const deadline = Date.now() + options.timeoutMs;
  let sent: { context_id: string; sent_at: Date }[] = [];
  for (;;) {
    const result = await options.notificationsDb.query<{ context_id: string; sent_at: Date }>(
      `select context_id, min(sent_at) as sent_at from notification
        where context_id = any($1::uuid[]) and channel = 'sms' and sent_at is not null group by context_id`,
      [ids],
    );
    sent = result.rows;
    options.onProgress?.(sent.length, ids.length);
    if (sent.length >= ids.length || Date.now() > deadline) break;
    await sleep(500);
  }
  const latencies = sent.map((row) => row.sent_at.getTime() - createdAt.get(row.context_id)!);
  return { ...summarize(latencies), missing: ids.length - sent.length };
}

/**
 * The notifications pipeline alone: `count` lead.created events produced straight to the lead-events
 * topic, then the rate at which notifications-service records them (inbox) and sends their messages.
 */
export async function measurePipeline(options: {
  brokers: string[];
  notificationsDb: pg.Pool;
  count: number;
  onProgress?: (processed: number, total: number) => void;
}): Promise<{ eventsPerSec: number; sentPerSec: number; processed: number }> {
  const kafka = new Kafka({ clientId: 'bench-pipeline', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const oemId = randomUUID();
  const eventIds: string[] = [];
  const leadIds: string[] = [];
  const started = Date.now();
  try {
    for (let offset = 0; offset < options.count; offset += 500) {
      const messages = Array.from({ length: Math.min(500, options.count - offset) }, () => {
        const id = randomUUID();
        const now = new Date().toISOString();
        const lead = {
          ...generateLead(1, oemId),
          id,
          addressLine2: '',
          status: 'new' as const,
          assignedToId: null,
          introCallCompleted: false,
          createdAt: now,
          updatedAt: now,
        };
        const event = createCloudEvent({ source: 'bench', type: LeadEventTypes.Created, subject: id, data: { lead } });
        eventIds.push(event.id);
        leadIds.push(id);
        return { key: id, value: JSON.stringify(event) };
      });
      await producer.send({ topic: Topics.LeadEvents, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
  let processed = 0;
  let processedAt = started;
  const deadline = Date.now() + 300_000;
  while (processed < options.count && Date.now() < deadline) {
    await sleep(250);
    const result = await options.notificationsDb.query<{ n: string }>(
      'select count(*) as n from inbox_event where event_id = any($1::uuid[])',
      [eventIds],
    );
    const now = Number(result.rows[0].n);
    if (now > processed) processedAt = Date.now();
    processed = now;
    options.onProgress?.(processed, options.count);
  }
  const sent = await options.notificationsDb.query<{ n: string; last: Date | null }>(
    `select count(*) as n, max(sent_at) as last from notification
      where context_id = any($1::uuid[]) and channel = 'sms' and sent_at is not null`,
    [leadIds],
  );
  const sentCount = Number(sent.rows[0].n);
  const sentSpanS = ((sent.rows[0].last?.getTime() ?? Date.now()) - started) / 1000;
  return {
    eventsPerSec: processed / ((processedAt - started) / 1000),
    sentPerSec: sentCount / sentSpanS,
    processed,
  };
}

/**
 * Waits until notifications-service has no queued notification left that is due, so that what comes
 * next (the read path) is measured on a machine no longer busy sending the earlier phases' messages.
 */
export async function waitForQuietDispatcher(options: {
  notificationsDb: pg.Pool;
  timeoutMs: number;
  onProgress?: (queued: number) => void;
}): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const { rows } = await options.notificationsDb.query<{ n: string }>(
      `select count(*) as n from notification where status = 'queued' and next_attempt_at <= now()`,
    );
    const queued = Number(rows[0].n);
    options.onProgress?.(queued);
    if (queued === 0 || Date.now() > deadline) return queued;
    await sleep(1_000);
  }
}
