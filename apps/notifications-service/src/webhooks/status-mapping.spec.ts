import type { NotificationStatus } from '#contracts';
import {
  forwardStatus,
  mapSendgridEvent,
  mapTwilioCallStatus,
  mapTwilioMessageStatus,
  SendgridEventTypes,
  TwilioCallStatuses,
  TwilioMessageStatuses,
} from './status-mapping.js';

describe('Twilio MessageStatus mapping', () => {
  it.each([
    ['accepted', null, null],
    ['scheduled', null, null],
    ['queued', null, null],
    ['sending', null, null],
    ['receiving', null, null],
    ['received', null, null],
    ['sent', 'sent', 'sent'],
    ['partially_delivered', 'sent', 'sent'],
    ['delivered', 'delivered', 'delivered'],
    ['read', 'read', null],
    ['undelivered', 'failed', 'failed'],
    ['failed', 'failed', 'failed'],
    ['canceled', 'failed', 'failed'],
  ])('%s → receipt %s, moves to %s', (status, receipt, moveTo) => {
    expect(mapTwilioMessageStatus(status)).toEqual({ receipt, moveTo });
  });

  it('covers every status it knows in the table above', () => {
    expect(TwilioMessageStatuses).toHaveLength(13);
  });

  it('ignores a status it does not know and reads any case', () => {
    expect(mapTwilioMessageStatus('teleported')).toEqual({ receipt: null, moveTo: null });
    expect(mapTwilioMessageStatus('DELIVERED')).toEqual({ receipt: 'delivered', moveTo: 'delivered' });
  });
});

describe('Twilio CallStatus mapping', () => {
  it.each([
    ['queued', undefined, null, null, null],
    ['initiated', undefined, null, null, null],
    ['ringing', undefined, null, null, null],
    ['in-progress', undefined, null, null, null],
    ['completed', undefined, 'delivered', 'delivered', 'connected'],
    ['completed', 'human', 'delivered', 'delivered', 'connected'],
    ['completed', 'unknown', 'delivered', 'delivered', 'connected'],
    ['completed', 'machine_start', 'delivered', 'delivered', 'voicemail'],
    ['completed', 'machine_end_beep', 'delivered', 'delivered', 'voicemail'],
    ['completed', 'machine_end_silence', 'delivered', 'delivered', 'voicemail'],
    ['completed', 'machine_end_other', 'delivered', 'delivered', 'voicemail'],
    ['completed', 'fax', 'delivered', 'delivered', 'voicemail'],
    ['busy', undefined, 'failed', 'failed', 'busy'],
    ['no-answer', undefined, 'failed', 'failed', 'no_answer'],
    ['failed', undefined, 'failed', 'failed', 'no_answer'],
    ['canceled', undefined, 'failed', 'failed', 'no_answer'],
  ])('%s (AnsweredBy %s) → receipt %s, moves to %s, outcome %s', (status, answeredBy, receipt, moveTo, outcome) => {
    expect(mapTwilioCallStatus(status, answeredBy)).toEqual({ receipt, moveTo, outcome });
  });

  it('covers every CallStatus Twilio documents', () => {
    expect(TwilioCallStatuses.sort()).toEqual(
      ['busy', 'canceled', 'completed', 'failed', 'in-progress', 'initiated', 'no-answer', 'queued', 'ringing'].sort(),
    );
  });
});

describe('SendGrid event mapping', () => {
  it.each([
    ['processed', 'sent', 'sent', false],
    ['deferred', 'sent', null, false],
    ['delivered', 'delivered', 'delivered', false],
    ['open', 'read', null, false],
    ['click', 'read', null, false],
    ['bounce', 'failed', 'failed', false],
    ['dropped', 'failed', 'failed', false],
    ['spamreport', null, null, true],
    ['unsubscribe', null, null, true],
    ['group_unsubscribe', null, null, true],
    ['group_resubscribe', null, null, false],
    ['something_new', null, null, false],
  ])('%s → receipt %s, moves to %s, opt-out %s', (event, receipt, moveTo, optOut) => {
    expect(mapSendgridEvent(event)).toEqual({ receipt, moveTo, optOut });
  });

  it('covers every event type SendGrid documents', () => {
    expect(SendgridEventTypes).toHaveLength(11);
  });
});

describe('forward-only notification status', () => {
  const statuses: NotificationStatus[] = ['queued', 'sent', 'delivered', 'failed'];
  const expected: Record<NotificationStatus, Record<NotificationStatus, NotificationStatus | null>> = {
    queued: { queued: null, sent: 'sent', delivered: 'delivered', failed: 'failed' },
    sent: { queued: null, sent: null, delivered: 'delivered', failed: 'failed' },
    delivered: { queued: null, sent: null, delivered: null, failed: null },
    failed: { queued: null, sent: null, delivered: null, failed: null },
  };

  for (const current of statuses) {
    for (const target of statuses) {
      it(`${current} + ${target} callback → ${expected[current][target] ?? 'unchanged'}`, () => {
        expect(forwardStatus(current, target)).toBe(expected[current][target]);
      });
    }
  }

  it('leaves the status alone for a receipt-only callback', () => {
    expect(forwardStatus('sent', null)).toBeNull();
  });
});
