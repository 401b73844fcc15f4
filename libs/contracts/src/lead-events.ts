import { z } from 'zod';
import { DocumentTypes, LeadSourceTypes, LeadStatuses } from './vocabulary.js';

/** The full lead as it stands after a change; every lead event carries one. */
export const leadSnapshotSchema = z.object({
  id: z.uuid(),
  oemId: z.uuid(),
  customerName: z.string(),
  customerPhone: z.string(),
  customerEmail: z.string().nullable(),
  addressLine1: z.string(),
  addressLine2: z.string(),
  city: z.string(),
  state: z.string(),
  pincode: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  sourceId: z.number().int(),
  status: z.enum(LeadStatuses),
  chargerModel: z.string().nullable(),
  assignedToId: z.uuid().nullable(),
  introCallCompleted: z.boolean(),
  externalRef: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type LeadSnapshot = z.infer<typeof leadSnapshotSchema>;

const withLead = { lead: leadSnapshotSchema };
const actor = z.object({ id: z.string(), role: z.string() }).nullable().optional();

export const LeadEventTypes = {
  Created: 'chargesol.lead.created',
  Updated: 'chargesol.lead.updated',
  StatusChanged: 'chargesol.lead.status_changed',
  Assigned: 'chargesol.lead.assigned',
  DocumentUploaded: 'chargesol.lead.document_uploaded',
  IntroCallCompleted: 'chargesol.lead.intro_call_completed',
} as const;
export type LeadEventType = (typeof LeadEventTypes)[keyof typeof LeadEventTypes];

export const leadEventDataSchemas = {
  [LeadEventTypes.Created]: z.object({ ...withLead, actor }),
  [LeadEventTypes.Updated]: z.object({ ...withLead, changedFields: z.array(z.string()), actor }),
  [LeadEventTypes.StatusChanged]: z.object({
    ...withLead,
    from: z.enum(LeadStatuses),
    to: z.enum(LeadStatuses),
    reason: z.string().nullable().optional(),
    actor,
  }),
  [LeadEventTypes.Assigned]: z.object({
    ...withLead,
    assignedToId: z.uuid(),
    previousAssignedToId: z.uuid().nullable(),
    actor,
  }),
  [LeadEventTypes.DocumentUploaded]: z.object({
    ...withLead,
    document: z.object({
      id: z.uuid(),
      documentType: z.enum(DocumentTypes),
      contentType: z.string(),
      sizeBytes: z.number().int().nonnegative(),
      sha256: z.string(),
    }),
    actor,
  }),
  [LeadEventTypes.IntroCallCompleted]: z.object({ ...withLead, callLogId: z.uuid() }),
} as const;

export type LeadEventData<T extends LeadEventType> = z.infer<(typeof leadEventDataSchemas)[T]>;

/** `chargesol.lead.submitted` on `leads.inbound-leads.v1`: an upstream OEM system hands over a lead. */
export const LeadSubmittedType = 'chargesol.lead.submitted' as const;
export const leadSubmittedDataSchema = z.object({
  sourceName: z.string().min(1).max(100),
  externalRef: z.string().min(1).max(100),
  oemId: z.uuid().optional(),
  customerName: z.string().min(1).max(200),
  customerPhone: z.string().min(1).max(32),
  customerEmail: z.email().max(254).nullable().optional(),
  addressLine1: z.string().min(1).max(255),
  addressLine2: z.string().max(255).nullable().optional(),
  city: z.string().min(1).max(100),
  state: z.string().min(1).max(100),
  pincode: z.string().regex(/^[1-9][0-9]{5}$/, 'must be a 6-digit Indian pincode'),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  chargerModel: z.string().max(100).nullable().optional(),
});
export type LeadSubmittedData = z.infer<typeof leadSubmittedDataSchema>;

export { LeadSourceTypes };
