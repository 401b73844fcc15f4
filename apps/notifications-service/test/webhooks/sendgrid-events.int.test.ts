import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import request from 'supertest';
import { NotificationEventTypes } from '#contracts';
import { Notification } from '../../src/notifications/notification.entity.js';
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js';
import { Recipient } from '../../src/recipients/recipient.entity.js';
import { UnmatchedReceipt } from '../../src/webhooks/unmatched-receipt.entity.js';
import { givenNotification, postSendgrid, startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

describe('POST /webhooks/sendgrid/events (real PostgreSQL)', () => {
  let h: WebhookHarness;

  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(() => h.close());

  /** An email notification as the dispatcher leaves it: sent, with SendGrid's x-message-id as gateway id. */
  const givenEmail = (status: 'sent' | 'queued' = 'sent') =>
    givenNotification(h, { channel: 'email', status, gatewayMessageId: `sg${randomUUID().slice(0, 18)}`, address: 'asha@example.com' });
  const now = () => Math.floor(Date.now() / 1000);
  const event = (n: Notification, type: string, extra: Record<string, unknown> = {}) => ({
    email: 'asha@example.com',
    timestamp: now(),
    event: type,
    sg_event_id: randomUUID(),
    sg_message_id: `${n.gatewayMessageId}.filterdrecv-5645d9c87f-abcde-1-0`,
    notificationId: n.id,
    ...extra,
  });

  describe('signature', () => {
    it.each([
      ['unsigned', () => ({ key: null, timestamp: undefined })],
      ['signed with another key (forged)', () => ({ key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, timestamp: undefined })],
      ['replayed: a valid signature with a 10 minute old timestamp', () => ({ key: h.sendgridPrivateKey, timestamp: now() - 600 })],
      ['a timestamp from the future', () => ({ key: h.sendgridPrivateKey, timestamp: now() + 600 })],
    ])('%s → 403 and nothing stored', async (_name, setup) => {
      const n = await givenEmail();
      const { key, timestamp } = setup();
      const response = await postSendgrid(h.app, [event(n, 'delivered')], key, { timestamp });

      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
      expect((await h.reload(n.id)).status).toBe('sent');
    });

    it('refuses a correctly signed body that was altered afterwards', async () => {
      const n = await givenEmail();
      const body = JSON.stringify([event(n, 'bounce')]);
      const timestamp = String(now());
      const signature = sign('sha256', Buffer.from(timestamp + body), h.sendgridPrivateKey).toString('base64');
      const response = await request(h.app.getHttpServer())
        .post('/webhooks/sendgrid/events')
        .set('content-type', 'application/json')
        .set('X-Twilio-Email-Event-Webhook-Signature', signature)
        .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
        .send(body.replace('bounce', 'dropped'));

      expect(response.status).toBe(403);
      expect(await h.receiptsOf(n.id)).toHaveLength(0);
    });

    it('refuses a body over the webhook size limit with 413', async () => {
      const response = await postSendgrid(h.app, null, h.sendgridPrivateKey, { body: JSON.stringify([{ event: 'open', pad: 'x'.repeat(300_000) }]) });
      expect(response.status).toBe(413);
    });
  });

  it('maps a batch: processed → sent, delivered (matched by the sg_message_id prefix alone), open → read receipt only', async () => {
    const n = await givenEmail('queued');
    const { notificationId: _drop, ...delivered } = event(n, 'delivered');
    const response = await postSendgrid(h.app, [event(n, 'processed'), delivered, event(n, 'open')], h.sendgridPrivateKey);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: 3, applied: 3, duplicate: 0, unmatched: 0, ignored: 0, invalid: 0 });
    const after = await h.reload(n.id);
    expect(after.status).toBe('delivered');
    expect(after.deliveredAt).toBeInstanceOf(Date);
    expect(after.readAt).toBeInstanceOf(Date);
    expect((await h.receiptsOf(n.id)).map((r) => r.status).sort()).toEqual(['delivered', 'read', 'sent']);
    const events = await h.em().find(OutboxEvent, { messageKey: n.id });
    expect(events.map((e) => e.type)).toEqual([NotificationEventTypes.Delivered]);
  });

  it('keeps the usable events of a batch with unusable ones, and counts them', async () => {
    const n = await givenEmail();
    const response = await postSendgrid(
      h.app,
      [42, { event: 'delivered' }, { event: 'delivered', notificationId: 'not-a-uuid' }, 'junk', event(n, 'delivered')],
      h.sendgridPrivateKey,
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ received: 5, applied: 1, invalid: 4 });
    expect((await h.reload(n.id)).status).toBe('delivered');
  });

  it.each([
    ['bounce', { status: '5.1.1', reason: '550 5.1.1 The email account does not exist', type: 'bounce' }, '5.1.1'],
    ['dropped', { reason: 'Bounced Address' }, 'dropped'],
  ])('%s → failed with the reason, and a failed event', async (type, extra, code) => {
    const n = await givenEmail();
    await postSendgrid(h.app, [event(n, type, extra)], h.sendgridPrivateKey).expect(200);

    const after = await h.reload(n.id);
    expect(after).toMatchObject({ status: 'failed', lastErrorCode: code, lastErrorMessage: extra.reason });
    expect(await h.receiptsOf(n.id)).toMatchObject([{ status: 'failed', errorCode: code }]);
    const events = await h.em().find(OutboxEvent, { messageKey: n.id });
    expect(events.map((e) => e.type)).toEqual([NotificationEventTypes.Failed]);
  });

  it('deferred → a receipt with the reason, status unchanged', async () => {
    const n = await givenEmail();
    await postSendgrid(h.app, [event(n, 'deferred', { response: '451 try again later', attempt: '1' })], h.sendgridPrivateKey).expect(200);
    expect((await h.reload(n.id)).status).toBe('sent');
    expect(await h.receiptsOf(n.id)).toMatchObject([{ status: 'sent', errorMessage: '451 try again later' }]);
  });

  it('a redelivered batch creates nothing new', async () => {
    const n = await givenEmail();
    const batch = [event(n, 'processed'), event(n, 'delivered')];
    await postSendgrid(h.app, batch, h.sendgridPrivateKey).expect(200);
    const again = await postSendgrid(h.app, batch, h.sendgridPrivateKey);

    expect(again.body).toMatchObject({ received: 2, applied: 0, duplicate: 2 });
    expect(await h.receiptsOf(n.id)).toHaveLength(2);
    expect(await h.em().find(OutboxEvent, { messageKey: n.id })).toHaveLength(1);
  });

  it('delivered then a late processed → stays delivered', async () => {
    const n = await givenEmail();
    await postSendgrid(h.app, [event(n, 'delivered')], h.sendgridPrivateKey).expect(200);
    await postSendgrid(h.app, [event(n, 'processed')], h.sendgridPrivateKey).expect(200);
    expect((await h.reload(n.id)).status).toBe('delivered');
  });

  it('unsubscribe opts the recipient out of email', async () => {
    const recipientId = `user-${randomUUID()}`;
    const em = h.em();
    em.create(Recipient, { id: recipientId, kind: 'user', name: 'Ravi', email: 'ravi@example.com' });
    await em.flush();
    const n = await givenNotification(h, { channel: 'email', recipientId, gatewayMessageId: `sg${randomUUID().slice(0, 18)}` });
    await postSendgrid(h.app, [event(n, 'unsubscribe')], h.sendgridPrivateKey).expect(200);
    expect((await h.em().findOneOrFail(Recipient, recipientId)).optOutEmail).toBe(true);
  });

  it('an event for an unknown message is accepted and kept for reconciliation', async () => {
    const gatewayId = `sg${randomUUID().slice(0, 18)}`;
    const response = await postSendgrid(
      h.app,
      [{ event: 'delivered', timestamp: now(), sg_event_id: randomUUID(), sg_message_id: `${gatewayId}.filter0001` }],
      h.sendgridPrivateKey,
    );
    expect(response.body).toMatchObject({ unmatched: 1 });
    expect(await h.em().find(UnmatchedReceipt, { gatewayMessageId: gatewayId })).toMatchObject([{ provider: 'sendgrid', gatewayStatus: 'delivered' }]);
  });

  it('a body that is not an array → 422', async () => {
    const response = await postSendgrid(h.app, { event: 'delivered' }, h.sendgridPrivateKey);
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('webhook.not_an_event_array');
  });
});
