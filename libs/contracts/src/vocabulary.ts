/** The business's fixed vocabularies (the seeds' choices), shared by both services. */

export const Roles = ['central_ops', 'oem', 'customer', 'field_team', 'procurement', 'finance', 'oem_reporting'] as const;
export type Role = (typeof Roles)[number];

export const LeadStatuses = [
  'new',
  'contacted',
  'documents_pending',
  'documents_received',
  'survey_scheduled',
  'survey_completed',
  'installation_scheduled',
  'installation_completed',
  'closed',
  'cancelled',
  'on_hold',
] as const;
export type LeadStatus = (typeof LeadStatuses)[number];

export const LeadSourceTypes = ['api', 'manual', 'portal'] as const;
export type LeadSourceType = (typeof LeadSourceTypes)[number];

export const DocumentTypes = ['electricity_bill', 'location_photo', 'electrician_contact', 'other'] as const;
export type DocumentType = (typeof DocumentTypes)[number];

export const NotificationChannels = ['sms', 'email', 'whatsapp', 'push', 'call'] as const;
export type NotificationChannel = (typeof NotificationChannels)[number];

/** A template renders text for a channel; voice calls read an SMS-like text (seeds: no `call`). */
export const TemplateChannels = ['sms', 'email', 'whatsapp', 'push'] as const;
export type TemplateChannel = (typeof TemplateChannels)[number];

export const NotificationContextTypes = ['lead', 'survey', 'installation', 'payment', 'emergency'] as const;
export type NotificationContextType = (typeof NotificationContextTypes)[number];

export const NotificationStatuses = ['queued', 'sent', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NotificationStatuses)[number];

export const ReceiptStatuses = ['sent', 'delivered', 'read', 'failed'] as const;
export type ReceiptStatus = (typeof ReceiptStatuses)[number];

export const CallTypes = [
  'introductory',
  'survey_confirmation',
  'installation_confirmation',
  'post_install',
  'emergency',
  'reschedule',
] as const;
export type CallType = (typeof CallTypes)[number];

export const CallOutcomes = ['connected', 'no_answer', 'busy', 'voicemail', 'callback_requested'] as const;
export type CallOutcome = (typeof CallOutcomes)[number];
