import type { LeadSnapshot } from '#contracts';
import type { Lead } from './lead.entity.js';

/** The full lead as events and the API show it (the contract's lead snapshot). */
export function toLeadSnapshot(lead: Lead): LeadSnapshot {
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
