import type { CallOutcome, NotificationStatus, ReceiptStatus } from '#contracts';

/**
 * What one gateway status means for us: the receipt to keep (null: a progress state the seeds'
 * receipt statuses cannot express, acknowledged and not stored) and the notification status it
 * moves towards (null: receipt only).
 */
export interface StatusMeaning {
  receipt: ReceiptStatus | null;
  moveTo: NotificationStatus | null;
}

const IGNORED: StatusMeaning = { receipt: null, moveTo: null };

/**
 * Twilio MessageStatus (SMS and WhatsApp). Pre-send states (accepted, scheduled, queued, sending)
 * and inbound ones (receiving, received) carry no delivery fact; `read` is a receipt only;
 * `canceled` (a scheduled message withdrawn) and `undelivered` end the message as failed.
 */
const twilioMessage: Record<string, StatusMeaning> = {
  accepted: IGNORED,
  scheduled: IGNORED,
  queued: IGNORED,
  sending: IGNORED,
  receiving: IGNORED,
  received: IGNORED,
  sent: { receipt: 'sent', moveTo: 'sent' },
  partially_delivered: { receipt: 'sent', moveTo: 'sent' },
  delivered: { receipt: 'delivered', moveTo: 'delivered' },
  read: { receipt: 'read', moveTo: null },
  undelivered: { receipt: 'failed', moveTo: 'failed' },
  failed: { receipt: 'failed', moveTo: 'failed' },
  canceled: { receipt: 'failed', moveTo: 'failed' },
};

/** Every Twilio MessageStatus this service knows (the table-driven spec walks them all). */
export const TwilioMessageStatuses = Object.keys(twilioMessage);

/** Maps a Twilio MessageStatus; an unknown status is acknowledged and ignored. */
export function mapTwilioMessageStatus(status: string): StatusMeaning {
  return twilioMessage[status.toLowerCase()] ?? IGNORED;
}

/** A terminal call status as a call log outcome plus its meaning for the `call` notification. */
export interface CallMeaning extends StatusMeaning {
  /** Null for progress states (queued, initiated, ringing, in-progress): no call log yet. */
  outcome: CallOutcome | null;
}

const callProgress: CallMeaning = { receipt: null, moveTo: null, outcome: null };

/**
 * Twilio CallStatus. `completed` is connected (a human) or voicemail (AnsweredBy machine_* or
 * fax), and the message was read out, so the notification is delivered; busy / no-answer /
 * failed / canceled never reached anyone: the notification fails and the log says why
 * (failed and canceled never rang through, so they are logged as no_answer).
 */
const twilioCall: Record<string, CallMeaning> = {
  queued: callProgress,
  initiated: callProgress,
  ringing: callProgress,
  'in-progress': callProgress,
  completed: { receipt: 'delivered', moveTo: 'delivered', outcome: 'connected' },
  busy: { receipt: 'failed', moveTo: 'failed', outcome: 'busy' },
  'no-answer': { receipt: 'failed', moveTo: 'failed', outcome: 'no_answer' },
  failed: { receipt: 'failed', moveTo: 'failed', outcome: 'no_answer' },
  canceled: { receipt: 'failed', moveTo: 'failed', outcome: 'no_answer' },
};

/** Every Twilio CallStatus this service knows. */
export const TwilioCallStatuses = Object.keys(twilioCall);

/** Maps a Twilio CallStatus (+ AnsweredBy when answering machine detection ran). */
export function mapTwilioCallStatus(status: string, answeredBy?: string | null): CallMeaning {
  const meaning = twilioCall[status.toLowerCase()] ?? callProgress;
  if (meaning.outcome === 'connected' && answeredBy && /^(machine|fax)/i.test(answeredBy)) {
    return { ...meaning, outcome: 'voicemail' };
  }
  return meaning;
}

/** A SendGrid event's meaning; `optOut` means the recipient asked for no more email. */
export interface EmailEventMeaning extends StatusMeaning {
  optOut: boolean;
}

const emailIgnored: EmailEventMeaning = { receipt: null, moveTo: null, optOut: false };

/**
 * SendGrid event types. processed → sent; delivered; open and click → read (receipt only);
 * bounce and dropped → failed; deferred → a `sent` receipt with the gateway's reason, no move
 * (SendGrid keeps trying); spamreport / unsubscribe / group_unsubscribe → email opt-out, no receipt.
 */
const sendgrid: Record<string, EmailEventMeaning> = {
  processed: { receipt: 'sent', moveTo: 'sent', optOut: false },
  deferred: { receipt: 'sent', moveTo: null, optOut: false },
  delivered: { receipt: 'delivered', moveTo: 'delivered', optOut: false },
  open: { receipt: 'read', moveTo: null, optOut: false },
  click: { receipt: 'read', moveTo: null, optOut: false },
  bounce: { receipt: 'failed', moveTo: 'failed', optOut: false },
  dropped: { receipt: 'failed', moveTo: 'failed', optOut: false },
  spamreport: { receipt: null, moveTo: null, optOut: true },
  unsubscribe: { receipt: null, moveTo: null, optOut: true },
  group_unsubscribe: { receipt: null, moveTo: null, optOut: true },
  group_resubscribe: emailIgnored,
};

/** Every SendGrid event type this service knows. */
export const SendgridEventTypes = Object.keys(sendgrid);

/** Maps a SendGrid event type; an unknown type is acknowledged and ignored. */
export function mapSendgridEvent(event: string): EmailEventMeaning {
  return sendgrid[event] ?? emailIgnored;
}

/** What a callback does to a notification's status: the new status, or null to leave it. */
export function forwardStatus(current: NotificationStatus, target: NotificationStatus | null): NotificationStatus | null {
  if (!target || target === current) return null;
  const rank: Record<NotificationStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 3 };
  // failed and delivered are final; failed only ends a message still on its way.
  if (current === 'delivered' || current === 'failed') return null;
  return rank[target] > rank[current] ? target : null;
}
