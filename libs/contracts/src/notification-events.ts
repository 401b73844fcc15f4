import { z } from 'zod';
import { CallOutcomes, CallTypes, NotificationChannels, NotificationContextTypes } from './vocabulary.js';

export const NotificationEventTypes = {
  Sent: 'chargesol.notification.sent',
  Delivered: 'chargesol.notification.delivered',
  Failed: 'chargesol.notification.failed',
  CallLogged: 'chargesol.call.logged',
} as const;
export type NotificationEventType = (typeof NotificationEventTypes)[keyof typeof NotificationEventTypes];

const notificationFacts = {
  notificationId: z.uuid(),
  recipientId: z.string(),
  channel: z.enum(NotificationChannels),
  contextType: z.enum(NotificationContextTypes),
  contextId: z.uuid().nullable(),
  templateName: z.string().nullable().optional(),
  gatewayMessageId: z.string().nullable().optional(),
};

export const callLogSnapshotSchema = z.object({
  id: z.uuid(),
  callerId: z.string(),
  calleePhone: z.string(),
  callType: z.enum(CallTypes),
  contextType: z.string(),
  contextId: z.uuid(),
  outcome: z.enum(CallOutcomes),
  durationSeconds: z.number().int().nonnegative().nullable(),
  notes: z.string(),
  calledAt: z.iso.datetime({ offset: true }),
});
export type CallLogSnapshot = z.infer<typeof callLogSnapshotSchema>;

export const notificationEventDataSchemas = {
  [NotificationEventTypes.Sent]: z.object({ ...notificationFacts, sentAt: z.iso.datetime({ offset: true }) }),
  [NotificationEventTypes.Delivered]: z.object({
    ...notificationFacts,
    deliveredAt: z.iso.datetime({ offset: true }),
  }),
  [NotificationEventTypes.Failed]: z.object({
    ...notificationFacts,
    errorCode: z.string().nullable(),
    errorMessage: z.string(),
    failedAt: z.iso.datetime({ offset: true }),
  }),
  [NotificationEventTypes.CallLogged]: z.object({ callLog: callLogSnapshotSchema }),
} as const;

export type NotificationEventData<T extends NotificationEventType> = z.infer<
  (typeof notificationEventDataSchemas)[T]
>;
