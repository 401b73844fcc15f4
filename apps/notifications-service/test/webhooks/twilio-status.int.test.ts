import { randomUUID } from 'node:crypto';
import { NotificationEventTypes } from '#contracts';
import { CallLog } from '../../src/call-logs/call-log.entity.js';
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js';
import { ReceiptReconciler } from '../../src/webhooks/receipt-reconciler.js';
import { UnmatchedReceipt } from '../../src/webhooks/unmatched-receipt.entity.js';
import { givenNotification, postTwilio, sid, startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

const STATUS = '/webhooks/twilio/status';

describe('POST /webhooks/twilio/status (real PostgreSQL)', () => {
  let h: WebhookHarness;

  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(() => h.close());

  const eventsOf = (key: string) => h.em().find(OutboxEvent, { messageKey: key }, { orderBy: { id: 'asc' } });
  const message = (messageSid: string, status: string, extra: Record<string, string> = {}) => ({
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: messageSid,
    SmsSid: messageSid,
    MessageStatus: status,
    SmsStatus: status,
    To: '+919812345678',
    From: '+911140001000',
    ApiVersion: '2010-04-01',
    ...extra,
  });

  describe('signature', () => {
    it.each([
      ['unsigned', { signature: null }],
      ['forged with another token', { token: 'not-the-auth-token' }],
      ['signed for another URL', { signedUrl: 'https://evil.example/webhooks/twilio/status' }],
      ['garbage signature', { signature: 'AAAA' }],
    ])('%s → 403 problem+json and nothing stored', async (_name, options) => {
      const n = await givenNotification(h);
      const response = await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered'), options);

      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 403, code: 'webhook.signature_rejected' });
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
      expect((await h.reload(n.id)).status).toBe('sent');
    });

    it('refuses a signed callback whose parameters were tampered with', async () => {
      const n = await givenNotification(h);
      const params = message(n.gatewayMessageId!, 'failed');
      const signed = await import('twilio').then((t) =>
        t.default.getExpectedTwilioSignature(h.config.TWILIO_AUTH_TOKEN!, `https://notify.chargesol.test${STATUS}`, params),
      );
      const response = await postTwilio(h.app, STATUS, { ...params, MessageStatus: 'delivered' }, { signature: signed });
      expect(response.status).toBe(403);
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
    });

    it('needs no JWT and runs under its own per-route rate limit', async () => {
      const n = await givenNotification(h);
      const response = await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'sent'));
      expect(response.status).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe('6000');
    });

    it('accepts a signature over the query string too', async () => {
      const n = await givenNotification(h);
      const response = await postTwilio(h.app, `${STATUS}?attempt=1`, message(n.gatewayMessageId!, 'delivered'));
      expect(response.status).toBe(200);
      expect((await h.reload(n.id)).status).toBe('delivered');
    });
  });

  describe('message status', () => {
    it('sent then delivered: two receipts, status delivered with deliveredAt, one delivered event', async () => {
      const n = await givenNotification(h);
      expect((await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'sent'))).body).toEqual({ outcome: 'applied' });
      expect((await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered'))).body).toEqual({ outcome: 'applied' });

      const after = await h.reload(n.id);
      expect(after.status).toBe('delivered');
      expect(after.deliveredAt).toBeInstanceOf(Date);
      const receipts = await h.receiptsOf(n.id);
      expect(receipts.map((r) => r.status)).toEqual(['sent', 'delivered']);
      expect(receipts[1]).toMatchObject({ gatewayMessageId: n.gatewayMessageId, errorCode: null });
      const events = await eventsOf(n.id);
      expect(events.map((e) => e.type)).toEqual([NotificationEventTypes.Delivered]);
      expect(events[0].payload).toMatchObject({ subject: n.id, data: { notificationId: n.id, channel: 'sms' } });
    });

    it('the same callback twice → one receipt, the second answered as a duplicate', async () => {
      const n = await givenNotification(h);
      const first = await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered'));
      const second = await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered'));

      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body).toEqual({ outcome: 'duplicate' });
      expect(await h.receiptsOf(n.id)).toHaveLength(1);
      expect(await eventsOf(n.id)).toHaveLength(1);
    });

    it('out of order: delivered, then a late sent → stays delivered (the late receipt is still kept)', async () => {
      const n = await givenNotification(h);
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered')).expect(200);
      const deliveredAt = (await h.reload(n.id)).deliveredAt;
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'sent')).expect(200);

      const after = await h.reload(n.id);
      expect(after.status).toBe('delivered');
      expect(after.deliveredAt).toEqual(deliveredAt);
      expect((await h.receiptsOf(n.id)).map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
    });

    it('delivered then a late failed → stays delivered, no failed event', async () => {
      const n = await givenNotification(h);
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'delivered')).expect(200);
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'undelivered', { ErrorCode: '30003' })).expect(200);
      expect((await h.reload(n.id)).status).toBe('delivered');
      expect((await eventsOf(n.id)).map((e) => e.type)).toEqual([NotificationEventTypes.Delivered]);
    });

    it('failed with the gateway error code → status failed, receipt and failed event carry the code', async () => {
      const n = await givenNotification(h);
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'failed', { ErrorCode: '30006', ErrorMessage: 'Landline or unreachable carrier' })).expect(200);

      const after = await h.reload(n.id);
      expect(after).toMatchObject({ status: 'failed', lastErrorCode: '30006', lastErrorMessage: 'Landline or unreachable carrier' });
      expect(await h.receiptsOf(n.id)).toMatchObject([{ status: 'failed', errorCode: '30006', errorMessage: 'Landline or unreachable carrier' }]);
      const events = await eventsOf(n.id);
      expect(events.map((e) => e.type)).toEqual([NotificationEventTypes.Failed]);
      expect(events[0].payload).toMatchObject({ data: { errorCode: '30006' } });
    });

    it('read is kept as a receipt only: status unchanged, readAt set', async () => {
      const n = await givenNotification(h, { channel: 'whatsapp' });
      await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, 'read')).expect(200);
      const after = await h.reload(n.id);
      expect(after.status).toBe('sent');
      expect(after.readAt).toBeInstanceOf(Date);
      expect((await h.receiptsOf(n.id)).map((r) => r.status)).toEqual(['read']);
    });

    it.each(['queued', 'sending', 'accepted', 'scheduled'])('%s is acknowledged and stores nothing', async (status) => {
      const n = await givenNotification(h);
      const response = await postTwilio(h.app, STATUS, message(n.gatewayMessageId!, status));
      expect(response.body).toEqual({ outcome: 'ignored' });
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
      expect((await h.reload(n.id)).status).toBe('sent');
    });

    it('a signed callback naming no message or call → 422, never 500', async () => {
      const response = await postTwilio(h.app, STATUS, { AccountSid: 'AC0', Foo: 'bar' });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('webhook.unusable_callback');
    });
  });

  describe('unknown MessageSid', () => {
    it('is accepted (200) and kept once for reconciliation', async () => {
      const unknown = sid('SM');
      const first = await postTwilio(h.app, STATUS, message(unknown, 'delivered'));
      const again = await postTwilio(h.app, STATUS, message(unknown, 'delivered'));

      expect(first.status).toBe(200);
      expect(first.body).toEqual({ outcome: 'unmatched' });
      expect(again.body).toEqual({ outcome: 'duplicate' });
      const kept = await h.em().find(UnmatchedReceipt, { gatewayMessageId: unknown });
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ provider: 'twilio', gatewayStatus: 'delivered', status: 'delivered', reconciledAt: null });
      expect(kept[0].rawPayload).toMatchObject({ MessageSid: unknown });
    });

    it('is applied by the reconciler once the notification with that id exists (a callback that overtook the send)', async () => {
      const early = sid('SM');
      await postTwilio(h.app, STATUS, message(early, 'delivered')).expect(200);
      const n = await givenNotification(h, { gatewayMessageId: early });

      expect(await h.app.get(ReceiptReconciler).reconcile()).toBeGreaterThanOrEqual(1);

      expect((await h.reload(n.id)).status).toBe('delivered');
      expect((await h.receiptsOf(n.id)).map((r) => r.status)).toEqual(['delivered']);
      const [kept] = await h.em().find(UnmatchedReceipt, { gatewayMessageId: early });
      expect(kept.reconciledAt).toBeInstanceOf(Date);
    });
  });

  describe('voice call status', () => {
    const call = (callSid: string, status: string, extra: Record<string, string> = {}) => ({
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      CallStatus: status,
      To: '+919812345678',
      From: '+911140002000',
      Direction: 'outbound-api',
      ...extra,
    });
    const logsOf = (contextId: string) => h.em().find(CallLog, { contextId });

    it('completed (a human answered) → call log connected with its duration, notification delivered, call.logged queued', async () => {
      const contextId = randomUUID();
      const n = await givenNotification(h, { channel: 'call', gatewayMessageId: sid('CA'), contextType: 'survey', contextId, address: '+919812345678' });
      await postTwilio(h.app, STATUS, call(n.gatewayMessageId!, 'completed', { CallDuration: '42', AnsweredBy: 'human' })).expect(200);

      expect((await h.reload(n.id)).status).toBe('delivered');
      const [log] = await logsOf(contextId);
      expect(log).toMatchObject({
        callerId: 'notifications-service',
        calleePhone: '+919812345678',
        callType: 'survey_confirmation',
        contextType: 'survey',
        outcome: 'connected',
        durationSeconds: 42,
      });
      const logged = await eventsOf(log.id);
      expect(logged.map((e) => e.type)).toEqual([NotificationEventTypes.CallLogged]);
    });

    it.each([
      ['completed', 'machine_start', 'voicemail', 'delivered'],
      ['busy', '', 'busy', 'failed'],
      ['no-answer', '', 'no_answer', 'failed'],
      ['failed', '', 'no_answer', 'failed'],
      ['canceled', '', 'no_answer', 'failed'],
    ])('%s (AnsweredBy %p) → outcome %s, notification %s', async (status, answeredBy, outcome, notificationStatus) => {
      const contextId = randomUUID();
      const n = await givenNotification(h, { channel: 'call', gatewayMessageId: sid('CA'), contextType: 'installation', contextId });
      await postTwilio(h.app, STATUS, call(n.gatewayMessageId!, status, answeredBy ? { AnsweredBy: answeredBy, CallDuration: '7' } : {})).expect(200);

      expect((await h.reload(n.id)).status).toBe(notificationStatus);
      const logs = await logsOf(contextId);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ outcome, callType: 'installation_confirmation' });
    });

    it.each(['initiated', 'ringing', 'in-progress'])('%s → no call log, no receipt', async (status) => {
      const contextId = randomUUID();
      const n = await givenNotification(h, { channel: 'call', gatewayMessageId: sid('CA'), contextId });
      const response = await postTwilio(h.app, STATUS, call(n.gatewayMessageId!, status));
      expect(response.body).toEqual({ outcome: 'ignored' });
      expect(await logsOf(contextId)).toHaveLength(0);
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
    });

    it('a repeated completed callback logs the call once', async () => {
      const contextId = randomUUID();
      const n = await givenNotification(h, { channel: 'call', gatewayMessageId: sid('CA'), contextId });
      await postTwilio(h.app, STATUS, call(n.gatewayMessageId!, 'completed', { CallDuration: '12' })).expect(200);
      await postTwilio(h.app, STATUS, call(n.gatewayMessageId!, 'completed', { CallDuration: '12' })).expect(200);
      expect(await logsOf(contextId)).toHaveLength(1);
    });
  });
});
