import type { EntityManager } from '@mikro-orm/core';
import { LeadEventTypes } from '#contracts';
import type { LeadSource } from '../lead-sources/lead-source.entity.js';
import { logLeadChange, type Actor } from './lead-change-log.js';
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

/** Adds a new lead, its `created` history entry and event to the unit of work (HTTP, CSV and Kafka alike). */
export function addNewLead(em: EntityManager, input: NewLead, actor: Actor): Lead {
  const now = new Date();
  const lead = Object.assign(new Lead(), {
    ...input.contact,
    oemId: input.oemId,
    source: input.source,
    externalRef: input.externalRef ?? null,
    createdAt: now,
    updatedAt: now,
  });
  em.persist(lead);
  logLeadChange(em, lead, { type: LeadEventTypes.Created, actor, toStatus: 'new' });
  return lead;
}
