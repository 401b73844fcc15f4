import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { LeadStatus } from '#contracts';
import { Lead } from './lead.entity.js';

/** What happened to a lead. */
export type LeadHistoryAction =
  | 'created'
  | 'updated'
  | 'status_changed'
  | 'assigned'
  | 'document_uploaded'
  | 'intro_call_completed';

/** One change of a lead: who (null actor = the system), when, from → to, which fields, why. */
export class LeadHistory {
  id: string = randomUUID();
  lead!: Lead;
  action!: LeadHistoryAction;
  actorId: string | null = null;
  actorRole: string | null = null;
  fromStatus: LeadStatus | null = null;
  toStatus: LeadStatus | null = null;
  changes: Record<string, { from: unknown; to: unknown }> | null = null;
  reason: string | null = null;
  createdAt: Date = new Date();
}

export const LeadHistorySchema = defineEntity({
  class: LeadHistory,
  tableName: 'lead_history',
  properties: {
    id: p.uuid().primary(),
    lead: () => p.manyToOne(Lead).deleteRule('cascade'),
    action: p.string().length(30),
    actorId: p.string().length(100).nullable(),
    actorRole: p.string().length(30).nullable(),
    fromStatus: p.string().length(30).nullable(),
    toStatus: p.string().length(30).nullable(),
    changes: p.json<Record<string, { from: unknown; to: unknown }>>().nullable(),
    reason: p.text().nullable(),
    createdAt: p.datetime(),
  },
  indexes: [{ name: 'lead_history_lead_id_created_at_index', properties: ['lead', 'createdAt'] }],
});
