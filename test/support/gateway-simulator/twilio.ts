import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { GatewayAnswer, GatewayFailure, RecordedRequest, Reply } from './types.js';

/** Twilio's Messages.json and Calls.json: auth, failures, the create answer and status callbacks. */

type TwilioCredentials = { accountSid: string; authToken: string };

/** Twilio's test-credential "magic numbers": sending to them fails the way a real gateway would. */
const TWILIO_MAGIC: Record<string, GatewayFailure> = { '+15005550001': 'invalid-number', '+15005550004': 'unsubscribed' };
const E164 = /^\+[1-9]\d{6,14}$/;

/** Basic auth with the account SID and auth token, and the account in the path. */
export function twilioAuthError(record: RecordedRequest, path: string, { accountSid, authToken }: TwilioCredentials): GatewayAnswer | null {
  const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  if (String(record.headers.authorization ?? '') === expected && path.includes(`/Accounts/${accountSid}/`)) return null;
  return { status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } };
}

/** The failure a magic test number asks for, if `To` is one. */
export function twilioMagicFailure(record: RecordedRequest): GatewayFailure | null {
  const to = String(record.form.To ?? '').replace(/^whatsapp:/, '');
  return TWILIO_MAGIC[to] ?? null;
}

/** Twilio's answer for a planned failure. */
export function twilioFailure(failure: Exclude<GatewayFailure, 'hang' | object>, record: RecordedRequest): GatewayAnswer {
  switch (failure) {
    case 'server-error':
      return { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } };
    case 'rate-limited':
      return { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } };
    case 'invalid-number':
      return { status: 400, body: twilioError(21211, record) };
    case 'unsubscribed':
      return { status: 400, body: twilioError(21610, record) };
  }
}

/** Creates a message or call; returns its SID, or null when the request was refused. */
export function twilioCreate(record: RecordedRequest, path: string, accountSid: string, reply: Reply): string | null {
  const form = record.form as Record<string, string>;
  const to = String(form.To ?? '');
  const missing = !form.To ? 'To' : !form.From ? 'From' : record.target === 'twilio-message' && !form.Body ? 'Body' : null;
  if (missing) {
    reply(400, { code: 21604, message: `A '${missing}' parameter is required.`, status: 400 });
    return null;
  }
  if (record.target === 'twilio-call' && !form.Twiml && !form.Url) {
    reply(400, { code: 21205, message: 'Url or Twiml parameter is required.', status: 400 });
    return null;
  }
  if (!E164.test(to.replace(/^whatsapp:/, ''))) {
    reply(400, twilioError(21211, record));
    return null;
  }
  const prefix = record.target === 'twilio-call' ? 'CA' : 'SM';
  const sid = `${prefix}${randomBytes(16).toString('hex')}`;
  record.gatewayMessageId = sid;
  const now = new Date().toUTCString();
  reply(201, {
    sid,
    account_sid: accountSid,
    to,
    from: form.From,
    body: form.Body ?? null,
    status: 'queued',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: now,
    date_updated: now,
    num_segments: '1',
    error_code: null,
    error_message: null,
    price: null,
    uri: `${path.replace(/\.json$/, '')}/${sid}.json`,
  });
  return sid;
}

/** The form fields of a status callback for an accepted message (MessageStatus) or call (CallStatus). */
export function twilioStatusParams(accepted: RecordedRequest, status: string, accountSid: string, extra: Record<string, string>): Record<string, string> {
  const sid = accepted.gatewayMessageId!;
  const form = accepted.form as Record<string, string>;
  // A finished call reports its length, and who answered when machine detection was asked for.
  const finished: Record<string, string> =
    status === 'completed' ? { CallDuration: '42', ...(form.MachineDetection ? { AnsweredBy: 'human' } : {}) } : {};
  return accepted.target === 'twilio-call'
    ? { CallSid: sid, CallStatus: status, AccountSid: accountSid, To: form.To, From: form.From, Direction: 'outbound-api', ApiVersion: '2010-04-01', ...finished, ...extra }
    : { MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, AccountSid: accountSid, To: form.To, From: form.From, ApiVersion: '2010-04-01', ...extra };
}

/** `X-Twilio-Signature` for a form post to `url`, as Twilio computes it with the auth token. */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

function twilioError(code: 21211 | 21610, record: RecordedRequest): Record<string, unknown> {
  const message =
    code === 21211 ? `The 'To' number ${String(record.form.To ?? '')} is not a valid phone number.` : 'Attempt to send to unsubscribed recipient';
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 };
}
