import type { EntityManager } from '@mikro-orm/core';
import { createCloudEvent, LeadEventTypes, Topics, type LeadEventType, type LeadStatus } from '#contracts';
import type { OutboxMessage } from '../outbox/outbox-message.entity.js';
import { enqueueEvent, outboxMessageOf } from '../outbox/outbox.js';
import { LeadHistory, type LeadHistoryAction } from './lead-history.entity.js';
import { toLeadSnapshot } from './lead-snapshot.js';
import type { Lead } from './lead.entity.js';

/** Who made a change; a null id is the service itself (e.g. a call logged by notifications). */
export interface Actor {
  id: string | null;
  role: string | null;
}

export const SystemActor: Actor = { id: null, role: 'system' };

const actionOf: Record<LeadEventType, LeadHistoryAction> = {
  [LeadEventTypes.Created]: 'created',
  [LeadEventTypes.Updated]: 'updated',
  [LeadEventTypes.StatusChanged]: 'status_changed',
  [LeadEventTypes.Assigned]: 'assigned',
  [LeadEventTypes.DocumentUploaded]: 'document_uploaded',
  [LeadEventTypes.IntroCallCompleted]: 'intro_call_completed',
};

export interface LeadChange {
  type: LeadEventType;
  actor: Actor;
  /** Event data besides `lead` and `actor` (e.g. from/to, changedFields). */
  data?: Record<string, unknown>;
  fromStatus?: LeadStatus | null;
  toStatus?: LeadStatus | null;
  changes?: Record<string, { from: unknown; to: unknown }> | null;
  reason?: string | null;
}

/**
 * Records a lead change twice in the caller's unit of work: a history row (who, when, what,
 * why) and its CloudEvent in the outbox, so both commit or neither does.
 */
export function logLeadChange(em: EntityManager, lead: Lead, change: LeadChange): void {
  const { history, event } = describeLeadChange(lead, change);
  em.persist(history);
  enqueueEvent(em, Topics.LeadEvents, lead.id, event);
}

/** The history row and outbox row of a lead change, for a caller that writes them itself (see insertNewLead). */
export function leadChangeRecords(lead: Lead, change: LeadChange): { history: LeadHistory; message: OutboxMessage } {
  const { history, event } = describeLeadChange(lead, change);
  return { history, message: outboxMessageOf(Topics.LeadEvents, lead.id, event) };
}

function describeLeadChange(lead: Lead, change: LeadChange) {
  const now = new Date();
  const history = Object.assign(new LeadHistory(), {
    lead,
    action: actionOf[change.type],
    actorId: change.actor.id,
    actorRole: change.actor.role,
    fromStatus: change.fromStatus ?? null,
    toStatus: change.toStatus ?? null,
    changes: change.changes ?? null,
    reason: change.reason ?? null,
    createdAt: now,
  });
  const actor = change.actor.id ? { id: change.actor.id, role: change.actor.role ?? 'unknown' } : null;
  const event = createCloudEvent({
    source: 'leads-service',
    type: change.type,
    subject: lead.id,
    time: now,
    data: { lead: toLeadSnapshot(lead), ...change.data, ...(change.type === LeadEventTypes.IntroCallCompleted ? {} : { actor }) },
  });
  return { history, event };
}
