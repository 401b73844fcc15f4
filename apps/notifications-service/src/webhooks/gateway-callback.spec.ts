import { readSendgridEvent, readTwilioStatusCallback } from './gateway-callback.js';

const at = new Date('2026-11-21T12:00:00Z');

describe('reading Twilio status callbacks', () => {
  it('reads a message callback with its error', () => {
    const callback = readTwilioStatusCallback({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003', ErrorMessage: 'Unreachable' }, at);
    expect(callback).toMatchObject({
      provider: 'twilio',
      gatewayMessageId: 'SM1',
      gatewayStatus: 'undelivered',
      meaning: { receipt: 'failed', moveTo: 'failed' },
      errorCode: '30003',
      errorMessage: 'Unreachable',
      dedupeKey: 'twilio:message:SM1:undelivered',
    });
  });

  it('reads the legacy SmsSid/SmsStatus pair', () => {
    expect(readTwilioStatusCallback({ SmsSid: 'SM2', SmsStatus: 'sent' }, at)?.dedupeKey).toBe('twilio:message:SM2:sent');
  });

  it('reads a call callback: outcome, duration, callee, and a code for a failed call', () => {
    expect(readTwilioStatusCallback({ CallSid: 'CA1', CallStatus: 'completed', CallDuration: '61', AnsweredBy: 'machine_end_beep', To: '+919812345678' }, at)).toMatchObject({
      gatewayMessageId: 'CA1',
      meaning: { receipt: 'delivered', moveTo: 'delivered' },
      call: { outcome: 'voicemail', durationSeconds: 61, to: '+919812345678' },
      errorCode: null,
    });
    expect(readTwilioStatusCallback({ CallSid: 'CA2', CallStatus: 'busy' }, at)).toMatchObject({
      errorCode: 'busy',
      errorMessage: 'call busy',
      call: { outcome: 'busy', durationSeconds: null },
    });
  });

  it('returns null when it names neither a message nor a call', () => {
    expect(readTwilioStatusCallback({ AccountSid: 'AC1' }, at)).toBeNull();
    expect(readTwilioStatusCallback({ MessageSid: 'SM1' }, at)).toBeNull();
  });
});

describe('reading SendGrid events', () => {
  const id = '0b6f0b8e-6a43-4c1e-9a51-2f9f2f1d7c11';

  it('takes the notification id from customArgs and the gateway id from the sg_message_id prefix', () => {
    const callback = readSendgridEvent(
      { event: 'bounce', notificationId: id, sg_message_id: 'abc123.filter-1.2', sg_event_id: 'ev1', timestamp: 1_763_726_400, status: '5.1.1', reason: 'no such user' },
      at,
    );
    expect(callback).toMatchObject({
      provider: 'sendgrid',
      notificationRef: id,
      gatewayMessageId: 'abc123',
      meaning: { receipt: 'failed', moveTo: 'failed' },
      errorCode: '5.1.1',
      errorMessage: 'no such user',
      dedupeKey: 'sendgrid:ev1',
      occurredAt: new Date(1_763_726_400_000),
    });
  });

  it('falls back to a key from message, event and timestamp when there is no sg_event_id', () => {
    expect(readSendgridEvent({ event: 'open', sg_message_id: 'abc.1', timestamp: 5 }, at)?.dedupeKey).toBe('sendgrid:abc.1:open:5');
  });

  it.each([[42], ['junk'], [null], [{}], [{ event: 'delivered' }], [{ event: 'delivered', notificationId: 'nope' }], [{ event: 5, sg_message_id: 'a' }]])(
    'refuses %p',
    (value) => {
      expect(readSendgridEvent(value, at)).toBeNull();
    },
  );

  it('marks opt-out events', () => {
    expect(readSendgridEvent({ event: 'unsubscribe', notificationId: id }, at)?.optOutEmail).toBe(true);
  });
});
