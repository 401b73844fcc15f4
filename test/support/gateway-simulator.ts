import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/** Which gateway a request was for. */
export type GatewayTarget = 'twilio-message' | 'twilio-call' | 'sendgrid' | 'fcm';

/** One request the simulator received, with what it answered. */
export interface RecordedRequest {
  target: GatewayTarget | 'unknown';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Form fields (Twilio); a repeated field is an array. */
  form: Record<string, string | string[]>;
  /** JSON body (SendGrid, FCM). */
  json: unknown;
  /** Status answered, or null while a request hangs (then never answered). */
  status: number | null;
  /** Id handed out on success (SM…, CA…, x-message-id, FCM message name). */
  gatewayMessageId: string | null;
}

/**
 * How to fail: a gateway outage (500), throttling (429), a hang (no answer until the client gives up),
 * Twilio's invalid-number (21211) or unsubscribed (21610) answers, or any status + body.
 */
export type GatewayFailure =
  | 'server-error'
  | 'rate-limited'
  | 'hang'
  | 'invalid-number'
  | 'unsubscribed'
  | { status: number; body: unknown };

/** Credentials the simulated gateways accept. */
export interface GatewaySimulatorOptions {
  twilio?: { accountSid: string; authToken: string };
  sendgrid?: { apiKey: string };
  fcm?: { projectId: string; accessToken: string };
  /** Seed for the random failure ratio, so a fault test is repeatable. */
  seed?: number;
  /**
   * Post callbacks here instead of to the StatusCallback URL's own origin (the path is kept, and the signature
   * still covers the URL as given, as Twilio signs it): lets a service listening on port 0 get them.
   */
  deliverCallbacksTo?: string;
  /** After accepting a message, post these MessageStatus values to its StatusCallback in order (e.g. ['sent', 'delivered']). */
  autoStatusCallbacks?: string[];
  /** After accepting a call, post these CallStatus values in order (e.g. ['ringing', 'in-progress', 'completed']). */
  autoCallStatusCallbacks?: string[];
  /** Pause before each automatic callback, as a real gateway takes a moment (default 100 ms). */
  autoCallbackDelayMs?: number;
}

/** A status callback or event post the simulator made, and how the service answered. */
export interface CallbackResult {
  url: string;
  body: string;
  status: number | 'error';
}

/** A SendGrid event as the event webhook posts it (customArgs appear as top-level keys). */
export type SendGridEvent = Record<string, unknown> & { event: string; email: string; timestamp: number; sg_message_id: string };

export const SIMULATOR_DEFAULTS = {
  twilio: { accountSid: 'AC00000000000000000000000000000000', authToken: 'simulator-auth-token' },
  sendgrid: { apiKey: 'SG.simulator-api-key' },
  fcm: { projectId: 'chargesol-sim', accessToken: 'simulator-fcm-access-token' },
} as const;

/** Twilio's test-credential "magic numbers": sending to them fails the way a real gateway would. */
const TWILIO_MAGIC: Record<string, GatewayFailure> = { '+15005550001': 'invalid-number', '+15005550004': 'unsubscribed' };
const E164 = /^\+[1-9]\d{6,14}$/;

interface PendingFailure {
  failure: GatewayFailure;
  target: GatewayTarget | 'any';
  remaining: number;
}

/**
 * A local stand-in for Twilio (Messages.json, Calls.json), SendGrid (/v3/mail/send) and FCM HTTP v1
 * (messages:send): checks auth like the real ones, answers in their shapes, records every request,
 * and fails on demand. Start it on port 0 and point TWILIO_API_BASE_URL / SENDGRID_API_BASE_URL at `baseUrl`.
 */
export class GatewaySimulator {
  readonly requests: RecordedRequest[] = [];
  /** Every callback the simulator posted, in order. */
  readonly callbacks: CallbackResult[] = [];
  /** Base64 DER (SPKI) P-256 public key for SENDGRID_WEBHOOK_PUBLIC_KEY; events are signed with its private half. */
  readonly sendGridWebhookPublicKey: string;
  private readonly sendGridSigningKey: KeyObject;
  private autoCallbacks: Promise<void> = Promise.resolve();
  private pending: PendingFailure[] = [];
  private ratio: { value: number; failure: GatewayFailure; target: GatewayTarget | 'any' } | null = null;
  private random: () => number;
  private readonly options: Required<Pick<GatewaySimulatorOptions, 'twilio' | 'sendgrid' | 'fcm'>> & GatewaySimulatorOptions;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    options: GatewaySimulatorOptions,
  ) {
    this.options = {
      ...options,
      twilio: options.twilio ?? SIMULATOR_DEFAULTS.twilio,
      sendgrid: options.sendgrid ?? SIMULATOR_DEFAULTS.sendgrid,
      fcm: options.fcm ?? SIMULATOR_DEFAULTS.fcm,
    };
    this.random = seededRandom(options.seed ?? 42);
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.sendGridWebhookPublicKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.sendGridSigningKey = privateKey;
  }

  /** Listens on 127.0.0.1 and a free port. */
  static async start(options: GatewaySimulatorOptions = {}): Promise<GatewaySimulator> {
    let simulator: GatewaySimulator | undefined;
    const server = createServer((req, res) => void simulator?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    simulator = new GatewaySimulator(server, `http://127.0.0.1:${port}`, options);
    return simulator;
  }

  /** The next `count` requests (to `target`, or to any gateway) fail this way. */
  failNext(count: number, failure: GatewayFailure, target: GatewayTarget | 'any' = 'any'): this {
    this.pending.push({ failure, target, remaining: count });
    return this;
  }

  /** From now on each request fails with probability `ratio` (seeded, repeatable); 0 turns it off. */
  setFailureRatio(ratio: number, failure: GatewayFailure = 'server-error', target: GatewayTarget | 'any' = 'any'): this {
    this.ratio = ratio > 0 ? { value: ratio, failure, target } : null;
    return this;
  }

  /** Forgets recorded requests and planned failures. */
  reset(): void {
    this.requests.length = 0;
    this.pending = [];
    this.ratio = null;
  }

  /** Recorded requests for one gateway. */
  requestsTo(target: GatewayTarget): RecordedRequest[] {
    return this.requests.filter((request) => request.target === target);
  }

  /** `X-Twilio-Signature` for a form post to `url`, as Twilio computes it with the auth token. */
  signTwilio(url: string, params: Record<string, string>): string {
    return twilio.getExpectedTwilioSignature(this.options.twilio.authToken, url, params);
  }

  /** Posts a signed Twilio status callback for a message (MessageStatus) or call (CallStatus) the simulator accepted. */
  async postTwilioStatus(sid: string, status: string, extra: Record<string, string> = {}): Promise<CallbackResult> {
    const accepted = this.requests.find((request) => request.gatewayMessageId === sid);
    const callbackUrl = accepted?.form.StatusCallback;
    if (!accepted || typeof callbackUrl !== 'string') throw new Error(`simulator: no accepted request ${sid} with a StatusCallback`);
    const form = accepted.form as Record<string, string>;
    // A finished call reports its length, and who answered when machine detection was asked for.
    const finished: Record<string, string> =
      status === 'completed' ? { CallDuration: '42', ...(form.MachineDetection ? { AnsweredBy: 'human' } : {}) } : {};
    const params: Record<string, string> =
      accepted.target === 'twilio-call'
        ? { CallSid: sid, CallStatus: status, AccountSid: this.options.twilio.accountSid, To: form.To, From: form.From, Direction: 'outbound-api', ApiVersion: '2010-04-01', ...finished, ...extra }
        : { MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, AccountSid: this.options.twilio.accountSid, To: form.To, From: form.From, ApiVersion: '2010-04-01', ...extra };
    const body = new URLSearchParams(params).toString();
    return this.postCallback(callbackUrl, body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': this.signTwilio(callbackUrl, params),
    });
  }

  /** A SendGrid event for an email the simulator accepted: its recipient, x-message-id and customArgs. */
  sendGridEventFor(messageId: string, event: string, extra: Record<string, unknown> = {}): SendGridEvent {
    const accepted = this.requests.find((request) => request.target === 'sendgrid' && request.gatewayMessageId === messageId);
    if (!accepted) throw new Error(`simulator: no accepted email ${messageId}`);
    const mail = accepted.json as { personalizations: { to: { email: string }[] }[]; custom_args?: Record<string, string> };
    return {
      ...(mail.custom_args ?? {}),
      email: mail.personalizations[0].to[0].email,
      timestamp: Math.floor(Date.now() / 1000),
      event,
      sg_event_id: randomUUID(),
      sg_message_id: `${messageId}.recvd-simulator-1-0`,
      ...extra,
    };
  }

  /** Signature headers of the SendGrid event webhook: ECDSA P-256 over timestamp + payload, base64 DER. */
  signSendGrid(payload: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
    const signature = sign('sha256', Buffer.from(timestamp + payload), this.sendGridSigningKey).toString('base64');
    return { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp };
  }

  /** Posts a signed batch of SendGrid events to `url` (the service's /webhooks/sendgrid/events). */
  async postSendGridEvents(url: string, events: SendGridEvent[]): Promise<CallbackResult> {
    const body = JSON.stringify(events);
    return this.postCallback(url, body, { 'content-type': 'application/json', ...this.signSendGrid(body) });
  }

  /** Resolves when every automatic status callback started so far has been posted. */
  async callbacksSettled(): Promise<void> {
    await this.autoCallbacks;
  }

  /** Stops listening and drops every open (and hanging) connection. */
  async close(): Promise<void> {
    await this.autoCallbacks;
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async postCallback(url: string, body: string, headers: Record<string, string>): Promise<CallbackResult> {
    const target = this.options.deliverCallbacksTo ? new URL(new URL(url).pathname + new URL(url).search, this.options.deliverCallbacksTo).href : url;
    const result: CallbackResult = { url: target, body, status: 'error' };
    try {
      const response = await fetch(target, { method: 'POST', headers, body });
      await response.arrayBuffer();
      result.status = response.status;
    } catch {
      // recorded as 'error': an unreachable service is something a fault test may want to see
    }
    this.callbacks.push(result);
    return result;
  }

  private scheduleAutoCallbacks(sid: string, target: RecordedRequest['target']): void {
    const statuses = (target === 'twilio-call' ? this.options.autoCallStatusCallbacks : this.options.autoStatusCallbacks) ?? [];
    if (statuses.length === 0) return;
    this.autoCallbacks = this.autoCallbacks.then(async () => {
      for (const status of statuses) {
        await new Promise((resolve) => setTimeout(resolve, this.options.autoCallbackDelayMs ?? 100));
        await this.postTwilioStatus(sid, status);
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const contentType = String(req.headers['content-type'] ?? '');
    const record: RecordedRequest = {
      target: routeOf(req.method ?? 'GET', url.pathname),
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: { ...req.headers },
      form: contentType.includes('application/x-www-form-urlencoded') ? parseForm(raw) : {},
      json: contentType.includes('application/json') && raw ? safeJson(raw) : null,
      status: null,
      gatewayMessageId: null,
    };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };

    if (record.target === 'unknown') return reply(404, { message: `no route ${record.method} ${record.path}` });
    const authError = this.checkAuth(record, url.pathname);
    if (authError) return reply(authError.status, authError.body);
    const failure = this.plannedFailure(record.target) ?? this.magicFailure(record);
    if (failure === 'hang') return; // never answered: the client's timeout must fire
    if (failure) {
      const { status, body } = failureResponse(record.target, failure, record);
      return reply(status, body);
    }
    switch (record.target) {
      case 'twilio-message':
      case 'twilio-call':
        return this.twilioCreate(record, url.pathname, reply);
      case 'sendgrid':
        return this.sendGridSend(record, reply);
      case 'fcm':
        return this.fcmSend(record, url.pathname, reply);
    }
  }

  private checkAuth(record: RecordedRequest, path: string): { status: number; body: unknown } | null {
    const authorization = String(record.headers.authorization ?? '');
    if (record.target === 'twilio-message' || record.target === 'twilio-call') {
      const { accountSid, authToken } = this.options.twilio;
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (authorization !== expected || !path.includes(`/Accounts/${accountSid}/`)) {
        return { status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } };
      }
    } else if (record.target === 'sendgrid') {
      if (authorization !== `Bearer ${this.options.sendgrid.apiKey}`) {
        return { status: 401, body: { errors: [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked' }] } };
      }
    } else if (authorization !== `Bearer ${this.options.fcm.accessToken}` || !path.includes(`/projects/${this.options.fcm.projectId}/`)) {
      return { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } };
    }
    return null;
  }

  private plannedFailure(target: GatewayTarget): GatewayFailure | null {
    const planned = this.pending.find((entry) => entry.remaining > 0 && (entry.target === 'any' || entry.target === target));
    if (planned) {
      planned.remaining -= 1;
      this.pending = this.pending.filter((entry) => entry.remaining > 0);
      return planned.failure;
    }
    if (this.ratio && (this.ratio.target === 'any' || this.ratio.target === target) && this.random() < this.ratio.value) {
      return this.ratio.failure;
    }
    return null;
  }

  private magicFailure(record: RecordedRequest): GatewayFailure | null {
    if (record.target !== 'twilio-message' && record.target !== 'twilio-call') return null;
    const to = String(record.form.To ?? '').replace(/^whatsapp:/, '');
    return TWILIO_MAGIC[to] ?? null;
  }

  private twilioCreate(record: RecordedRequest, path: string, reply: (status: number, body: unknown) => void): void {
    const form = record.form as Record<string, string>;
    const to = String(form.To ?? '');
    const missing = !form.To ? 'To' : !form.From ? 'From' : record.target === 'twilio-message' && !form.Body ? 'Body' : null;
    if (missing) return reply(400, { code: 21604, message: `A '${missing}' parameter is required.`, status: 400 });
    if (record.target === 'twilio-call' && !form.Twiml && !form.Url) {
      return reply(400, { code: 21205, message: 'Url or Twiml parameter is required.', status: 400 });
    }
    if (!E164.test(to.replace(/^whatsapp:/, ''))) return reply(400, twilioError(21211, record));
    const prefix = record.target === 'twilio-call' ? 'CA' : 'SM';
    const sid = `${prefix}${randomBytes(16).toString('hex')}`;
    record.gatewayMessageId = sid;
    const now = new Date().toUTCString();
    reply(201, {
      sid,
      account_sid: this.options.twilio.accountSid,
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
    if (typeof form.StatusCallback === 'string') this.scheduleAutoCallbacks(sid, record.target);
  }

  private sendGridSend(record: RecordedRequest, reply: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const mail = (record.json ?? {}) as { personalizations?: { to?: { email?: string }[] }[]; from?: { email?: string }; subject?: string; content?: unknown[] };
    const errors: { field: string; message: string }[] = [];
    if (!mail.personalizations?.[0]?.to?.[0]?.email) errors.push({ field: 'personalizations.0.to', message: 'The to array is required.' });
    if (!mail.from?.email) errors.push({ field: 'from.email', message: 'The from email is required.' });
    if (!mail.subject) errors.push({ field: 'subject', message: 'The subject is required.' });
    if (!Array.isArray(mail.content) || mail.content.length === 0) errors.push({ field: 'content', message: 'The content value is required.' });
    if (errors.length) return reply(400, { errors });
    const messageId = randomBytes(16).toString('base64url').slice(0, 22);
    record.gatewayMessageId = messageId;
    reply(202, undefined, { 'x-message-id': messageId });
  }

  private fcmSend(record: RecordedRequest, path: string, reply: (status: number, body: unknown) => void): void {
    const message = (record.json as { message?: { token?: string } } | null)?.message;
    if (!message?.token) {
      return reply(400, { error: { code: 400, message: 'Recipient of the message is not set.', status: 'INVALID_ARGUMENT' } });
    }
    const name = `${path.replace(/^\/v1\//, '').replace(/\/messages:send$/, '')}/messages/${randomBytes(8).toString('hex')}`;
    record.gatewayMessageId = name;
    reply(200, { name });
  }
}

function routeOf(method: string, path: string): GatewayTarget | 'unknown' {
  if (method !== 'POST') return 'unknown';
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) return 'twilio-message';
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Calls\.json$/.test(path)) return 'twilio-call';
  if (path === '/v3/mail/send') return 'sendgrid';
  if (/^\/v1\/projects\/[^/]+\/messages:send$/.test(path)) return 'fcm';
  return 'unknown';
}

function twilioError(code: 21211 | 21610, record: RecordedRequest): Record<string, unknown> {
  const message =
    code === 21211 ? `The 'To' number ${String(record.form.To ?? '')} is not a valid phone number.` : 'Attempt to send to unsubscribed recipient';
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 };
}

/** The answer each gateway gives for a failure, in its own error shape. */
function failureResponse(target: GatewayTarget, failure: Exclude<GatewayFailure, 'hang'>, record: RecordedRequest): { status: number; body: unknown } {
  if (typeof failure === 'object') return failure;
  const twilio = target === 'twilio-message' || target === 'twilio-call';
  switch (failure) {
    case 'server-error':
      if (twilio) return { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } };
      if (target === 'sendgrid') return { status: 500, body: { errors: [{ field: null, message: 'internal error' }] } };
      return { status: 500, body: { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } } };
    case 'rate-limited':
      if (twilio) return { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } };
      if (target === 'sendgrid') return { status: 429, body: { errors: [{ field: null, message: 'too many requests' }] } };
      return { status: 429, body: { error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } } };
    case 'invalid-number':
      if (twilio) return { status: 400, body: twilioError(21211, record) };
      if (target === 'sendgrid') {
        return { status: 400, body: { errors: [{ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' }] } };
      }
      return { status: 400, body: { error: { code: 400, message: 'The registration token is not a valid FCM registration token', status: 'INVALID_ARGUMENT' } } };
    case 'unsubscribed':
      if (twilio) return { status: 400, body: twilioError(21610, record) };
      if (target === 'sendgrid') return { status: 403, body: { errors: [{ field: null, message: 'recipient is unsubscribed' }] } };
      return {
        status: 404,
        body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND', details: [{ errorCode: 'UNREGISTERED' }] } },
      };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseForm(raw: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = form[key];
    form[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return form;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** mulberry32: a tiny deterministic PRNG so random-fault runs repeat exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
