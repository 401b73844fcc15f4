import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createCloudEvent, LeadEventTypes, Topics } from '#contracts';
import { generateLead } from './lead-generator.js';
import { closedLoop, summarize, type RunFigures } from './stats.js';

const INSERT_LEAD = `insert into leads (id, oem_id, customer_name, customer_phone, customer_email, address_line1,
  address_line2, city, state, pincode, latitude, longitude, source_id, status, charger_model, assigned_to_id,
  intro_call_completed, external_ref, created_at, updated_at)
  values ($1,$2,$3,$4,$5,$6,'',$7,$8,$9,$10,$11,$12,'new',$13,null,false,$14,$15,$15)`;
// Written already published (the same row, the same indexes): the running relay must not send the
// floor's rows to Kafka, where notifications-service would have to chew through them during the
// system run (it did, before: ~12,000 dead-lettered events competing with the measured creates).
const INSERT_OUTBOX = `insert into outbox_messages (event_id, aggregate_id, topic, message_key, payload, created_at, published_at)
  values ($1,$2,$3,$4,$5,$6,$6)`;

/**
 * Floor A: the least work a create can do — one transaction inserting the lead row and its outbox row
 * with bare `pg` (prepared statements, no framework), at the same concurrency as the system run.
 */
export async function measureDatabaseFloor(options: {
  databaseUrl: string;
  sourceId: number;
  concurrency: number;
  durationMs: number;
}): Promise<RunFigures> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.concurrency });
  const oemId = randomUUID();
  try {
    const run = await closedLoop(
      async () => {
        const lead = generateLead(options.sourceId, oemId);
        const id = randomUUID();
        const now = new Date();
        const event = createCloudEvent({
          source: 'bench-floor',
          type: LeadEventTypes.Created,
          subject: id,
          data: { lead: { ...lead, id, status: 'new', createdAt: now.toISOString(), updatedAt: now.toISOString() } },
        });
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query({
            name: 'floor-insert-lead',
            text: INSERT_LEAD,
            values: [id, oemId, lead.customerName, lead.customerPhone, lead.customerEmail, lead.addressLine1,
              lead.city, lead.state, lead.pincode, lead.latitude, lead.longitude, lead.sourceId, lead.chargerModel,
              lead.externalRef, now],
          });
          await client.query({
            name: 'floor-insert-outbox',
            text: INSERT_OUTBOX,
            values: [event.id, id, Topics.LeadEvents, id, JSON.stringify(event), now],
          });
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      },
      { concurrency: options.concurrency, durationMs: options.durationMs },
    );
    if (run.errors && !run.latencies.length) throw new Error(`floor A failed every transaction: ${run.firstError}`);
    return { rps: run.rps, ...summarize(run.latencies) };
  } finally {
    await pool.end();
  }
}
