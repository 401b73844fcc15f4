import type { EntityManager } from '@mikro-orm/postgresql';
import type { LeadSnapshot } from '#contracts';
import { customerRecipientId, toE164 } from './phone.js';
import { Recipient } from './recipient.entity.js';

/**
 * Creates or refreshes the customer's directory entry from a lead snapshot, keyed by the
 * normalized phone. One statement (INSERT … ON CONFLICT), so two leads of the same customer
 * handled at once do not collide; opt-outs and a known email are never cleared by a lead.
 * Returns null when the lead's phone is not a valid number.
 */
export async function upsertCustomerFromLead(em: EntityManager, lead: LeadSnapshot): Promise<Recipient | null> {
  const phone = toE164(lead.customerPhone);
  if (!phone) return null;
  const email = lead.customerEmail?.trim() || null;
  const data = { id: customerRecipientId(phone), kind: 'customer' as const, name: lead.customerName, phone, ...(email ? { email } : {}) };
  return em.upsert(Recipient, data, {
    onConflictFields: ['id'],
    onConflictAction: 'merge',
    onConflictMergeFields: email ? ['name', 'phone', 'email', 'updatedAt'] : ['name', 'phone', 'updatedAt'],
  });
}
