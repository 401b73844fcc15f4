import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { LeadEventTypes } from '#contracts';
import { queryRows } from '#platform/database';
import { LeadSource } from '../lead-sources/lead-source.entity.js';
import { leadChangeRecords, logLeadChange, type Actor } from './lead-change-log.js';
import type { NormalizedLeadContact } from './lead-input.js';
import { Lead } from './lead.entity.js';

/** A lead ready to be stored: normalized contact fields, its OEM and source. */
export interface NewLead {
  oemId: string;
  source: LeadSource;
  contact: Required<Pick<NormalizedLeadContact, 'customerName' | 'customerPhone' | 'addressLine1' | 'city' | 'state' | 'pincode'>> &
    NormalizedLeadContact;
  externalRef?: string | null;
}

function newLead(input: NewLead): Lead {
  const now = new Date();
  return Object.assign(new Lead(), {
    ...input.contact,
    oemId: input.oemId,
    source: input.source,
    externalRef: input.externalRef ?? null,
    createdAt: now,
    updatedAt: now,
  });
}

/** Adds a new lead, its `created` history entry and event to the unit of work (CSV, Kafka, and HTTP retries). */
export function addNewLead(em: EntityManager, input: NewLead, actor: Actor): Lead {
  const lead = newLead(input);
  em.persist(lead);
  logLeadChange(em, lead, { type: LeadEventTypes.Created, actor, toStatus: 'new' });
  return lead;
}

/**
 * What `insertNewLead` did: stored the lead; found no usable source (unknown, or another OEM's
 * when `sourceOfOem` is set); or found the source's `externalRef` taken (a retry or a conflict,
 * which the transactional path sorts out).
 */
export type NewLeadInsert = { outcome: 'created'; lead: Lead } | { outcome: 'unknown_source' } | { outcome: 'external_ref_taken' };

/**
 * The same rows as `addNewLead` (lead, `created` history entry, outbox event) written by ONE
 * statement: data-modifying CTEs, atomic on their own, so no BEGIN/COMMIT round trips and no
 * separate look-ups. The source check (exists; an OEM's source only for that OEM) and the
 * `(source, externalRef)` unique index are part of the statement; history and event are only
 * written when the lead is. This is the hot path of lead creation: one round trip instead of seven.
 */
export async function insertNewLead(
  em: SqlEntityManager,
  input: Omit<NewLead, 'source'> & { sourceId: number; sourceOfOem: string | null },
  actor: Actor,
): Promise<NewLeadInsert> {
  const lead = newLead({ ...input, source: em.getReference(LeadSource, input.sourceId) });
  const { history, message } = leadChangeRecords(lead, { type: LeadEventTypes.Created, actor, toStatus: 'new' });
  const [row] = await queryRows<{ source_found: boolean; created: boolean }>(em, INSERT_NEW_LEAD, [
    input.sourceId,
    input.sourceOfOem,
    input.sourceOfOem,
    lead.id, lead.oemId, lead.customerName, lead.customerPhone, lead.customerEmail, lead.addressLine1, lead.addressLine2,
    lead.city, lead.state, lead.pincode, lead.latitude, lead.longitude, lead.status, lead.heldFromStatus, lead.chargerModel,
    lead.assignedToId, lead.introCallCompleted, lead.externalRef, lead.createdAt, lead.updatedAt,
    history.id, history.action, history.actorId, history.actorRole, history.fromStatus, history.toStatus,
    history.changes === null ? null : JSON.stringify(history.changes), history.reason, history.createdAt,
    message.eventId, message.aggregateId, message.topic, message.messageKey, JSON.stringify(message.payload),
    JSON.stringify(message.headers), message.createdAt,
  ]);
  if (row.created) return { outcome: 'created', lead };
  return row.source_found ? { outcome: 'external_ref_taken' } : { outcome: 'unknown_source' };
}

// Parameters ($n) are typed by the columns they go into. Keep the column lists in step with the
// entities; `apps/leads-service/test/leads-api.int.test.ts` compares these rows with addNewLead's.
const INSERT_NEW_LEAD = `
with source as (
  select id from lead_sources where id = $1 and ($2::uuid is null or oem_id is null or oem_id = $3::uuid)
), lead as (
  insert into leads (id, oem_id, customer_name, customer_phone, customer_email, address_line1, address_line2, city, state,
                     pincode, latitude, longitude, status, held_from_status, charger_model, assigned_to_id,
                     intro_call_completed, external_ref, created_at, updated_at, source_id)
  select $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, source.id from source
  on conflict (source_id, external_ref) do nothing
  returning id
), history as (
  insert into lead_history (id, action, actor_id, actor_role, from_status, to_status, changes, reason, created_at, lead_id)
  select $24, $25, $26, $27, $28, $29, $30::jsonb, $31, $32, lead.id from lead
), outbox as (
  insert into outbox_messages (event_id, aggregate_id, topic, message_key, payload, headers, created_at)
  select $33, $34, $35, $36, $37::jsonb, $38::jsonb, $39 from lead
)
select exists (select 1 from source) as source_found, exists (select 1 from lead) as created`;
