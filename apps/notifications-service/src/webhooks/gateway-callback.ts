import { z } from 'zod';
import type { CallOutcome } from '#contracts';
import { mapSendgridEvent, mapTwilioCallStatus, mapTwilioMessageStatus, type StatusMeaning } from './status-mapping.js';
import type { ReceiptProvider } from './unmatched-receipt.entity.js';

/** One gateway callback, read and mapped, ready to apply to its notification. */
export interface GatewayCallback {
  provider: ReceiptProvider;
  /** MessageSid, CallSid or the sg_message_id prefix. */
  gatewayMessageId: string | null;
  /** The notification id the gateway echoed back (SendGrid customArgs), when it is a UUID. */
  notificationRef: string | null;
  gatewayStatus: string;
  meaning: StatusMeaning;
  errorCode: string | null;
  errorMessage: string;
  /** The same callback delivered twice has the same key. */
  dedupeKey: string;
  occurredAt: Date;
  raw: Record<string, unknown>;
  /** Voice: the call's outcome (null while in progress) and duration. */
  call?: { outcome: CallOutcome | null; durationSeconds: number | null; to: string | null; parentCallSid: string | null };
  /** The recipient asked for no more email (unsubscribe, spam report). */
  optOutEmail?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(value: unknown): string | null {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : null;
}

function clip(value: string | null, max: number): string | null {
  return value === null ? null : value.slice(0, max);
}

/**
 * Reads a Twilio status callback: a call (CallSid + CallStatus) or a message (MessageSid +
 * MessageStatus, or the legacy SmsSid/SmsStatus). Null when it names neither.
 */
export function readTwilioStatusCallback(params: Record<string, unknown>, receivedAt: Date): GatewayCallback | null {
  const callSid = text(params.CallSid);
  const callStatus = text(params.CallStatus);
  const messageSid = text(params.MessageSid) ?? text(params.SmsSid);
  const messageStatus = text(params.MessageStatus) ?? text(params.SmsStatus);
  if (callSid && callStatus && !messageSid) {
    const status = callStatus.toLowerCase();
    const meaning = mapTwilioCallStatus(status, text(params.AnsweredBy));
    const duration = Number(text(params.CallDuration) ?? text(params.Duration) ?? NaN);
    const failed = meaning.receipt === 'failed';
    return {
      provider: 'twilio',
      gatewayMessageId: clip(callSid, 100),
      notificationRef: null,
      gatewayStatus: clip(status, 50)!,
      meaning: { receipt: meaning.receipt, moveTo: meaning.moveTo },
      errorCode: clip(text(params.ErrorCode) ?? (failed ? status : null), 50),
      errorMessage: text(params.ErrorMessage) ?? (failed ? `call ${status}` : ''),
      dedupeKey: clip(`twilio:call:${callSid}:${status}`, 255)!,
      occurredAt: receivedAt,
      raw: params,
      call: {
        outcome: meaning.outcome,
        durationSeconds: Number.isInteger(duration) && duration >= 0 ? duration : null,
        to: text(params.To) ?? text(params.Called),
        // Set on a leg Twilio dialled from another call (the customer leg of a click-to-call).
        parentCallSid: text(params.ParentCallSid),
      },
    };
  }
  if (messageSid && messageStatus) {
    const status = messageStatus.toLowerCase();
    return {
      provider: 'twilio',
      gatewayMessageId: clip(messageSid, 100),
      notificationRef: null,
      gatewayStatus: clip(status, 50)!,
      meaning: mapTwilioMessageStatus(status),
      errorCode: clip(text(params.ErrorCode), 50),
      errorMessage: text(params.ErrorMessage) ?? '',
      dedupeKey: clip(`twilio:message:${messageSid}:${status}`, 255)!,
      occurredAt: receivedAt,
      raw: params,
    };
  }
  return null;
}

const sendgridEventSchema = z
  .object({
    event: z.string().min(1).max(50),
    sg_message_id: z.string().min(1).max(255).optional(),
    sg_event_id: z.string().min(1).max(200).optional(),
    timestamp: z.number().int().nonnegative().optional(),
    notificationId: z.string().optional(),
    reason: z.string().optional(),
    response: z.string().optional(),
    status: z.string().optional(),
    type: z.string().optional(),
  })
  .loose();

/**
 * Reads one SendGrid event; null when it is not an event or names no message (no usable
 * customArgs notificationId and no sg_message_id). customArgs come back as top-level fields.
 */
export function readSendgridEvent(value: unknown, receivedAt: Date): GatewayCallback | null {
  const parsed = sendgridEventSchema.safeParse(value);
  if (!parsed.success) return null;
  const event = parsed.data;
  const notificationRef = event.notificationId && UUID.test(event.notificationId) ? event.notificationId.toLowerCase() : null;
  // sg_message_id is "<x-message-id of the send>.<filter and recipient parts>".
  const gatewayMessageId = event.sg_message_id ? clip(event.sg_message_id.split('.')[0], 100) : null;
  if (!notificationRef && !gatewayMessageId) return null;
  const meaning = mapSendgridEvent(event.event);
  const failed = meaning.receipt === 'failed';
  const dedupeKey = event.sg_event_id
    ? `sendgrid:${event.sg_event_id}`
    : `sendgrid:${event.sg_message_id ?? notificationRef}:${event.event}:${event.timestamp ?? ''}`;
  return {
    provider: 'sendgrid',
    gatewayMessageId,
    notificationRef,
    gatewayStatus: event.event,
    meaning: { receipt: meaning.receipt, moveTo: meaning.moveTo },
    errorCode: failed ? clip(event.status ?? event.type ?? event.event, 50) : null,
    errorMessage: event.reason ?? event.response ?? '',
    dedupeKey: clip(dedupeKey, 255)!,
    occurredAt: event.timestamp ? new Date(event.timestamp * 1000) : receivedAt,
    raw: event as Record<string, unknown>,
    optOutEmail: meaning.optOut,
  };
}

/** Rebuilds a kept callback from its payload (reconciliation reads unmatched receipts this way). */
export function rereadCallback(provider: ReceiptProvider, raw: Record<string, unknown>, receivedAt: Date): GatewayCallback | null {
  return provider === 'twilio' ? readTwilioStatusCallback(raw, receivedAt) : readSendgridEvent(raw, receivedAt);
}
