import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Recipient } from '../../src/recipients/recipient.entity.js';
import { DeliveryReceipt } from '../../src/notifications/delivery-receipt.entity.js';
import { UnmatchedReceipt } from '../../src/webhooks/unmatched-receipt.entity.js';
import { givenNotification, postSendgrid, postTwilio, randomPhone, sendgridKeys, sid, startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

const INBOUND = '/webhooks/twilio/inbound';
const inbound = (from: string, body: string) => ({
  AccountSid: 'AC00000000000000000000000000000000',
  MessageSid: sid('SM'),
  From: from,
  To: '+911140001000',
  Body: body,
  NumMedia: '0',
});

describe('POST /webhooks/twilio/inbound (real PostgreSQL)', () => {
  let h: WebhookHarness;

  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(() => h.close());

  const recipient = (phone: string) => h.em().findOne(Recipient, `cust:${phone}`);

  it('STOP by SMS opts the customer out of SMS only and answers with TwiML; START opts back in', async () => {
    const phone = randomPhone();
    const em = h.em();
    em.create(Recipient, { id: `cust:${phone}`, kind: 'customer', name: 'Asha Rao', phone });
    await em.flush();

    const stop = await postTwilio(h.app, INBOUND, inbound(phone.replace('+91', '0'), ' stop '));
    expect(stop.status).toBe(200);
    expect(stop.headers['content-type']).toMatch(/^text\/xml/);
    expect(stop.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>You have been unsubscribed from ChargeSol SMS/);
    expect(await recipient(phone)).toMatchObject({ name: 'Asha Rao', optOutSms: true, optOutWhatsapp: false });

    const start = await postTwilio(h.app, INBOUND, inbound(phone, 'START'));
    expect(start.text).toMatch(/subscribed to ChargeSol SMS messages again/);
    expect(await recipient(phone)).toMatchObject({ optOutSms: false });
  });

  it.each(['STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'])('%s over WhatsApp opts out of WhatsApp only', async (keyword) => {
    const phone = randomPhone();
    await postTwilio(h.app, INBOUND, inbound(`whatsapp:${phone}`, keyword)).expect(200);
    expect(await recipient(phone)).toMatchObject({ kind: 'customer', phone, optOutWhatsapp: true, optOutSms: false });
  });

  it('honours the keyword Twilio Advanced Opt-Out recognised (OptOutType), whatever the language of the body', async () => {
    const phone = randomPhone();
    await postTwilio(h.app, INBOUND, { ...inbound(phone, 'बंद करो'), OptOutType: 'STOP' }).expect(200);
    expect(await recipient(phone)).toMatchObject({ optOutSms: true });
  });

  it('an ordinary message changes nothing and gets an empty TwiML response', async () => {
    const phone = randomPhone();
    const response = await postTwilio(h.app, INBOUND, inbound(phone, 'Please call me after 5pm'));
    expect(response.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await recipient(phone)).toBeNull();
  });

  it('an unsigned or forged STOP → 403 and the opt-out is not set', async () => {
    const phone = randomPhone();
    expect((await postTwilio(h.app, INBOUND, inbound(phone, 'STOP'), { signature: null })).status).toBe(403);
    expect((await postTwilio(h.app, INBOUND, inbound(phone, 'STOP'), { token: 'forged' })).status).toBe(403);
    expect(await recipient(phone)).toBeNull();
  });
});

describe('webhooks without secrets configured', () => {
  let h: WebhookHarness;

  beforeAll(async () => {
    h = await startWebhookHarness({ TWILIO_AUTH_TOKEN: undefined, SENDGRID_WEBHOOK_PUBLIC_KEY: undefined });
  });
  afterAll(() => h.close());

  it('Twilio callbacks are refused (403), never accepted unsigned, and nothing is stored', async () => {
    const n = await givenNotification(h);
    const params = { MessageSid: n.gatewayMessageId!, MessageStatus: 'delivered' };
    for (const options of [{ signature: null }, {}]) {
      expect((await postTwilio(h.app, '/webhooks/twilio/status', params, options)).status).toBe(403);
    }
    expect(await h.em().count(DeliveryReceipt, { notification: n.id })).toBe(0);
    const phone = randomPhone();
    expect((await postTwilio(h.app, INBOUND, inbound(phone, 'STOP'))).status).toBe(403);
    expect(await h.em().findOne(Recipient, `cust:${phone}`)).toBeNull();
  });

  it('click-to-call answers 503 without Twilio voice credentials', async () => {
    const response = await request(h.app.getHttpServer())
      .post('/api/v1/calls')
      .set('authorization', `Bearer ${await h.token('central_ops')}`)
      .send({ calleePhone: '+919812345678', callerPhone: randomPhone(), callType: 'introductory', contextType: 'lead', contextId: randomUUID() });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('call.voice_not_configured');
  });

  it('click-to-call without voice credentials still validates first: a bad phone or no caller phone is 422 naming the field', async () => {
    const call = async (body: Record<string, unknown>) =>
      request(h.app.getHttpServer()).post('/api/v1/calls').set('authorization', `Bearer ${await h.token('central_ops')}`).send(body);
    const valid = { calleePhone: '+919812345678', callerPhone: randomPhone(), callType: 'introductory', contextType: 'lead', contextId: randomUUID() };
    const got: string[] = [];
    for (const body of [{ ...valid, calleePhone: 'not a phone' }, { ...valid, callerPhone: '12' }, { ...valid, callerPhone: undefined }, { ...valid, callType: 'x' }]) {
      const response = await call(body);
      got.push(`${response.status} ${response.body.errors?.map((e: { field: string }) => e.field).join(',')}`);
    }
    expect(got).toEqual(['422 calleePhone', '422 callerPhone', '422 callerPhone', '422 callType']);
  });

  it('SendGrid events are refused (403) even when signed', async () => {
    const gatewayId = `sg${randomUUID().slice(0, 18)}`;
    const events = [{ event: 'delivered', timestamp: Math.floor(Date.now() / 1000), sg_message_id: `${gatewayId}.x` }];
    expect((await postSendgrid(h.app, events, sendgridKeys().privateKey)).status).toBe(403);
    expect(await h.em().count(UnmatchedReceipt, { gatewayMessageId: gatewayId })).toBe(0);
  });
});
