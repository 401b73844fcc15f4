import type { EntityManager } from '@mikro-orm/postgresql';
import type { LeadSnapshot } from '#contracts';
import { customerRecipientId, toE164 } from './phone.js';
import { Recipient } from './recipient.entity.js';

type CustomerRow = { id: string; kind: 'customer'; name: string; phone: string; email?: string };

/**
 * Creates or refreshes the customers' directory entries from lead snapshots, keyed by the
 * normalized phone: INSERT … ON CONFLICT (one statement for the leads with an email, one for those
 * without), so leads of the same customer handled at once do not collide; opt-outs and a known
 * email are never cleared by a lead. Several leads of one customer in one call count in order:
 * the last name wins, and the last email given.
 *
 * Returns each lead's entry by the lead's phone as given; a phone that is not a valid number has none.
 */
export async function upsertCustomersFromLeads(em: EntityManager, leads: LeadSnapshot[]): Promise<Map<string, Recipient>> {
  const rows = new Map<string, CustomerRow>();
  const idOfPhone = new Map<string, string>();
  for (const lead of leads) {
    const phone = toE164(lead.customerPhone);
    if (!phone) continue;
    const id = customerRecipientId(phone);
    idOfPhone.set(lead.customerPhone, id);
    const email = lead.customerEmail?.trim() || rows.get(id)?.email;
    rows.set(id, { id, kind: 'customer', name: lead.customerName, phone, ...(email ? { email } : {}) });
  }
  const withEmail = [...rows.values()].filter((row) => row.email);
  const withoutEmail = [...rows.values()].filter((row) => !row.email);
  const upserted = [
    ...(withEmail.length
      ? await em.upsertMany(Recipient, withEmail, {
          onConflictFields: ['id'],
          onConflictAction: 'merge',
          onConflictMergeFields: ['name', 'phone', 'email', 'updatedAt'],
        })
      : []),
    ...(withoutEmail.length
      ? await em.upsertMany(Recipient, withoutEmail, {
          onConflictFields: ['id'],
          onConflictAction: 'merge',
          onConflictMergeFields: ['name', 'phone', 'updatedAt'],
        })
      : []),
  ];
  const byId = new Map(upserted.map((recipient) => [recipient.id, recipient]));
  return new Map([...idOfPhone].map(([phone, id]) => [phone, byId.get(id)!]));
}
