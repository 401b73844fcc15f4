import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { GatewaySimulator, SIMULATOR_DEFAULTS } from '../../../../test/support/gateway-simulator.js';
import { NotificationEventTypes } from '#contracts';
import { CallLog } from '../../src/call-logs/call-log.entity.js';
import { ClickToCall } from '../../src/call-logs/click-to-call.entity.js';
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js';
import { Recipient } from '../../src/recipients/recipient.entity.js';
import { postTwilio, PUBLIC_BASE_URL, randomPhone, sid, startWebhookHarness, type WebhookHarness } from '../webhooks/webhook-harness.js';

const STATUS = '/webhooks/twilio/status';
const VOICE_FROM = '+911140002000';

describe('click-to-call: POST /api/v1/calls rings the ops user, the customer leg becomes a call log', () => {
  let simulator: GatewaySimulator;
  let h: WebhookHarness;
  const opsId = randomUUID();
  let opsToken: string;

  beforeAll(async () => {
    simulator = await GatewaySimulator.start();
    h = await startWebhookHarness({
      TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
      TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
      TWILIO_API_BASE_URL: simulator.baseUrl,
      TWILIO_VOICE_FROM: VOICE_FROM,
    });
    opsToken = await h.token('central_ops', opsId);
  });
  afterEach(() => simulator.reset());
  afterAll(async () => {
    await simulator.close();
    await h.close();
  });

  const http = () => request(h.app.getHttpServer());
  const place = (body: Record<string, unknown>, token = opsToken) =>
    http().post('/api/v1/calls').set('authorization', `Bearer ${token}`).send(body);
  const callback = (params: Record<string, string>) => postTwilio(h.app, STATUS, params, { token: SIMULATOR_DEFAULTS.twilio.authToken });
  const customerLeg = (parentSid: string, status: string, extra: Record<string, string> = {}) =>
    callback({ AccountSid: SIMULATOR_DEFAULTS.twilio.accountSid, CallSid: sid('CA'), ParentCallSid: parentSid, CallStatus: status, Direction: 'outbound-dial', ...extra });

  async function placed(callType = 'introductory') {
    const contextId = randomUUID();
    const callerPhone = randomPhone();
    const response = await place({ calleePhone: '98123 45678', callType, contextType: 'lead', contextId, callerPhone });
    expect(response.status).toBe(202);
    return { contextId, callerPhone, call: response.body as { id: string; callSid: string; status: string } };
  }

  it('rings the caller with TwiML that dials the customer, reporting the customer leg to the status webhook', async () => {
    const { callerPhone, call } = await placed();

    const [request_] = simulator.requestsTo('twilio-call');
    expect(request_.form).toMatchObject({ To: callerPhone, From: VOICE_FROM, StatusCallback: `${PUBLIC_BASE_URL}${STATUS}` });
    expect(request_.form.Twiml).toContain('<Dial callerId="+911140002000" answerOnBridge="true">');
    expect(request_.form.Twiml).toContain(`<Number statusCallback="${PUBLIC_BASE_URL}${STATUS}" statusCallbackEvent="completed" statusCallbackMethod="POST">+919812345678</Number>`);
    expect(call).toMatchObject({ callSid: request_.gatewayMessageId, status: 'ringing_caller', callerId: opsId, calleePhone: '+919812345678' });
  });

  it('the customer leg completing → one connected call log by the ops user, with call.logged; a repeat changes nothing', async () => {
    const { contextId, call } = await placed();
    const leg = { CallSid: sid('CA'), CallDuration: '95' };
    expect((await customerLeg(call.callSid, 'completed', leg)).body).toEqual({ outcome: 'applied' });
    expect((await customerLeg(call.callSid, 'completed', leg)).body).toEqual({ outcome: 'duplicate' });

    const logs = await h.em().find(CallLog, { contextId });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ callerId: opsId, calleePhone: '+919812345678', callType: 'introductory', contextType: 'lead', outcome: 'connected', durationSeconds: 95 });
    expect((await h.em().find(OutboxEvent, { messageKey: logs[0].id })).map((e) => e.type)).toEqual([NotificationEventTypes.CallLogged]);
    const detail = await http().get(`/api/v1/calls/${call.id}`).set('authorization', `Bearer ${opsToken}`);
    expect(detail.body).toMatchObject({ status: 'completed', callLogId: logs[0].id });
  });

  it.each([
    ['no-answer', 'no_answer'],
    ['busy', 'busy'],
  ])('the customer leg %s → call log %s', async (status, outcome) => {
    const { contextId, call } = await placed('reschedule');
    await customerLeg(call.callSid, status).expect(200);
    expect(await h.em().find(CallLog, { contextId })).toMatchObject([{ outcome, callType: 'reschedule', durationSeconds: null }]);
  });

  it('the ops user not answering → caller_unreachable and no call log (the customer was never dialled)', async () => {
    const { contextId, call } = await placed();
    const response = await callback({ AccountSid: SIMULATOR_DEFAULTS.twilio.accountSid, CallSid: call.callSid, CallStatus: 'no-answer', Direction: 'outbound-api' });
    expect(response.body).toEqual({ outcome: 'applied' });
    const row = await h.em().findOneOrFail(ClickToCall, call.id);
    expect(row.status).toBe('caller_unreachable');
    expect(await h.em().find(CallLog, { contextId })).toHaveLength(0);
  });

  it("rings the caller's phone from the recipient directory when none is given", async () => {
    const sub = randomUUID();
    const phone = randomPhone();
    const em = h.em();
    em.create(Recipient, { id: sub, kind: 'user', name: 'Field Tech', phone });
    await em.flush();
    const token = await h.token('field_team', sub);
    const response = await place({ calleePhone: '+919812345678', callType: 'survey_confirmation', contextType: 'survey', contextId: randomUUID() }, token);
    expect(response.status).toBe(202);
    expect(simulator.requestsTo('twilio-call')[0].form.To).toBe(phone);
  });

  it('no phone for the caller → 422 naming callerPhone; a bad callee → 422 naming calleePhone', async () => {
    const base = { callType: 'introductory', contextType: 'lead', contextId: randomUUID() };
    const noCaller = await place({ ...base, calleePhone: '+919812345678' });
    expect(noCaller.status).toBe(422);
    expect(noCaller.body.errors).toEqual([expect.objectContaining({ field: 'callerPhone' })]);
    const badCallee = await place({ ...base, calleePhone: '12', callerPhone: randomPhone() });
    expect(badCallee.body.errors).toEqual([expect.objectContaining({ field: 'calleePhone' })]);
    expect(simulator.requestsTo('twilio-call')).toHaveLength(0);
  });

  it('the gateway failing → 503 and the attempt recorded as failed', async () => {
    simulator.failNext(1, 'server-error', 'twilio-call');
    const contextId = randomUUID();
    const response = await place({ calleePhone: '+919812345678', callType: 'introductory', contextType: 'lead', contextId, callerPhone: randomPhone() });
    expect(response.status).toBe(503);
    expect(await h.em().find(ClickToCall, { contextId })).toMatchObject([{ status: 'failed', callSid: null }]);
  });

  it('roles other than central_ops and field_team get 403', async () => {
    const response = await place({ calleePhone: '+919812345678', callType: 'introductory', contextType: 'lead', contextId: randomUUID() }, await h.token('oem'));
    expect(response.status).toBe(403);
  });
});
