import { LeadEventTypes, LeadSubmittedType, type LeadSnapshot } from './lead-events.js';
import { NotificationEventTypes } from './notification-events.js';
import type { KnownEventType } from './registry.js';

/** Fixed ids and times so that the generated document does not change between runs. */
const leadId = '0b7d3f2e-5c1a-4e8b-9f3d-2a6c8e1b4d70';
const oemId = '5e2a9c41-7b3d-4f6e-8a1c-9d0b2e4f6a83';
const fieldAgentId = '8c4e1a7d-2f5b-4c9e-a3d6-1b7f9e2c5a04';
const opsUserId = '3f9b2d6e-8a1c-4e7f-b5d2-6c0a9e3f1b58';
const notificationId = '9a1e5c3b-7d2f-4a8e-b6c4-2e0f8d1a5c39';
const callLogId = '4d8f2b6a-1e3c-4f9d-a7b5-3c1e9f0d2b86';
const time = '2026-11-21T09:30:00.000Z';

const lead: LeadSnapshot = {
  id: leadId,
  oemId,
  customerName: 'Asha Verma',
  customerPhone: '+919812345678',
  customerEmail: 'asha.verma@example.com',
  addressLine1: '14 MG Road',
  addressLine2: 'Flat 3B',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560001',
  latitude: 12.9756,
  longitude: 77.6066,
  sourceId: 1,
  status: 'contacted',
  chargerModel: 'AC 7.4 kW wallbox',
  assignedToId: fieldAgentId,
  introCallCompleted: false,
  externalRef: 'OEM-2026-000123',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: time,
};

const actor = { id: opsUserId, role: 'central_ops' };
const notification = {
  notificationId,
  recipientId: 'cust:+919812345678',
  channel: 'sms' as const,
  contextType: 'lead' as const,
  contextId: leadId,
  templateName: 'lead_contacted_sms',
  gatewayMessageId: 'SM0123456789abcdef0123456789abcdef',
};

/** One example `data` per event type; asyncapi.spec.ts parses each through the contract. */
export const eventDataExamples: Record<KnownEventType, unknown> = {
  [LeadEventTypes.Created]: { lead: { ...lead, status: 'new', assignedToId: null, updatedAt: lead.createdAt }, actor },
  [LeadEventTypes.Updated]: { lead, changedFields: ['addressLine2', 'chargerModel'], actor },
  [LeadEventTypes.StatusChanged]: { lead, from: 'new', to: 'contacted', reason: null, actor },
  [LeadEventTypes.Assigned]: { lead, assignedToId: fieldAgentId, previousAssignedToId: null, actor },
  [LeadEventTypes.DocumentUploaded]: {
    lead,
    document: {
      id: '6b0d4f8a-2c7e-4a1b-9e5d-7f3a1c8e0b62',
      documentType: 'electricity_bill',
      contentType: 'application/pdf',
      sizeBytes: 182_734,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    },
    actor,
  },
  [LeadEventTypes.IntroCallCompleted]: { lead: { ...lead, introCallCompleted: true }, callLogId },
  [LeadSubmittedType]: {
    sourceName: 'oem-portal',
    externalRef: 'OEM-2026-000123',
    customerName: 'Asha Verma',
    customerPhone: '+919812345678',
    customerEmail: 'asha.verma@example.com',
    addressLine1: '14 MG Road',
    city: 'Bengaluru',
    state: 'Karnataka',
    pincode: '560001',
    chargerModel: 'AC 7.4 kW wallbox',
  },
  [NotificationEventTypes.Sent]: { ...notification, sentAt: time },
  [NotificationEventTypes.Delivered]: { ...notification, deliveredAt: '2026-11-21T09:30:04.000Z' },
  [NotificationEventTypes.Failed]: {
    ...notification,
    errorCode: '30003',
    errorMessage: 'Unreachable destination handset',
    failedAt: '2026-11-21T09:30:06.000Z',
  },
  [NotificationEventTypes.CallLogged]: {
    callLog: {
      id: callLogId,
      callerId: fieldAgentId,
      calleePhone: '+919812345678',
      callType: 'introductory',
      contextType: 'lead',
      contextId: leadId,
      outcome: 'connected',
      durationSeconds: 185,
      notes: 'Customer prefers a weekend survey',
      calledAt: time,
    },
  },
};

const sourceOf = (type: KnownEventType) =>
  type === LeadSubmittedType ? 'oem-portal' : type.startsWith('chargesol.lead.') ? 'leads-service' : 'notifications-service';

const subjectOf = (type: KnownEventType) =>
  type === LeadSubmittedType ? 'OEM-2026-000123' : type.startsWith('chargesol.lead.') ? leadId : type === NotificationEventTypes.CallLogged ? callLogId : notificationId;

/** A complete example message value (CloudEvents envelope) and key of an event type. */
export function exampleMessage(type: KnownEventType) {
  return {
    key: type === LeadSubmittedType ? 'oem-portal:OEM-2026-000123' : subjectOf(type),
    value: {
      specversion: '1.0',
      id: 'c2f1e8a4-6b3d-4e9f-8a7c-5d1b0e2f4a96',
      source: sourceOf(type),
      type,
      time,
      subject: subjectOf(type),
      datacontenttype: 'application/json',
      data: eventDataExamples[type],
    },
  };
}
