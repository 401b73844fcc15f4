import type { LeadSnapshot } from '#contracts';
import type { Lead } from './lead.entity.js';

/** A lead read as a plain row mapped to property names (a query builder's mapped result): its source is the id. */
export type LeadRow = Omit<Lead, 'source'> & { source: number };

/** The snapshot of a lead read as a plain row. */
export function snapshotOfRow(row: LeadRow): LeadSnapshot {
  return toLeadSnapshot({ ...row, source: { id: row.source } });
}

/** The full lead as events and the API show it (the contract's lead snapshot). */
export function toLeadSnapshot(lead: Omit<Lead, 'source'> & { source: { id: number } }): LeadSnapshot {
  return {
    id: lead.id,
    oemId: lead.oemId,
    customerName: lead.customerName,
    customerPhone: lead.customerPhone,
    customerEmail: lead.customerEmail,
    addressLine1: lead.addressLine1,
    addressLine2: lead.addressLine2,
    city: lead.city,
    state: lead.state,
    pincode: lead.pincode,
    latitude: lead.latitude === null ? null : Number(lead.latitude),
    longitude: lead.longitude === null ? null : Number(lead.longitude),
    sourceId: lead.source.id,
    status: lead.status,
    chargerModel: lead.chargerModel,
    assignedToId: lead.assignedToId,
    introCallCompleted: lead.introCallCompleted,
    externalRef: lead.externalRef,
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
  };
}
