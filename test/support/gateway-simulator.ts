import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FailurePlan } from './gateway-simulator/faults.js';
import { fcmAuthError, fcmFailure, fcmSend } from './gateway-simulator/fcm.js';
import { recordRequest } from './gateway-simulator/http.js';
import { SendGridWebhookSigner, sendGridAuthError, sendGridEventFor, sendGridFailure, sendGridSend } from './gateway-simulator/sendgrid.js';
import { signTwilio, twilioAuthError, twilioCreate, twilioFailure, twilioMagicFailure, twilioStatusParams } from './gateway-simulator/twilio.js';
import {
  type CallbackResult,
  type GatewayAnswer,
  type GatewayFailure,
  type GatewaySimulatorOptions,
  type GatewayTarget,
  type RecordedRequest,
  type Reply,
  type SendGridEvent,
  SIMULATOR_DEFAULTS,
} from './gateway-simulator/types.js';

export type { CallbackResult, GatewayFailure, GatewaySimulatorOptions, GatewayTarget, RecordedRequest, SendGridEvent };
export { SIMULATOR_DEFAULTS };

/**
 * A local stand-in for Twilio (Messages.json, Calls.json), SendGrid (/v3/mail/send) and FCM HTTP v1
 * (messages:send): checks auth like the real ones, answers in their shapes, records every request,
 * and fails on demand. Start it on port 0 and point TWILIO_API_BASE_URL / SENDGRID_API_BASE_URL at `baseUrl`.
 * Each gateway's rules live in `gateway-simulator/<gateway>.ts`; this class is the shared server.
 */
export class GatewaySimulator {
  readonly requests: RecordedRequest[] = [];
  /** Every callback the simulator posted, in order. */
  readonly callbacks: CallbackResult[] = [];
  /** Base64 DER (SPKI) P-256 public key for SENDGRID_WEBHOOK_PUBLIC_KEY; events are signed with its private half. */
  readonly sendGridWebhookPublicKey: string;
  private readonly sendGridSigner = new SendGridWebhookSigner();
  private autoCallbacks: Promise<void> = Promise.resolve();
  private readonly failures: FailurePlan;
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
    this.failures = new FailurePlan(options.seed ?? 42);
    this.sendGridWebhookPublicKey = this.sendGridSigner.publicKey;
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
    this.failures.failNext(count, failure, target);
    return this;
  }

  /** From now on each request fails with probability `ratio` (seeded, repeatable); 0 turns it off. */
  setFailureRatio(ratio: number, failure: GatewayFailure = 'server-error', target: GatewayTarget | 'any' = 'any'): this {
    this.failures.setRatio(ratio, failure, target);
    return this;
  }

  /** Forgets recorded requests and planned failures. */
  reset(): void {
    this.requests.length = 0;
    this.failures.reset();
  }

  /** Recorded requests for one gateway. */
  requestsTo(target: GatewayTarget): RecordedRequest[] {
    return this.requests.filter((request) => request.target === target);
  }

  /** `X-Twilio-Signature` for a form post to `url`, as Twilio computes it with the auth token. */
  signTwilio(url: string, params: Record<string, string>): string {
    return signTwilio(this.options.twilio.authToken, url, params);
  }

  /** Posts a signed Twilio status callback for a message (MessageStatus) or call (CallStatus) the simulator accepted. */
  async postTwilioStatus(sid: string, status: string, extra: Record<string, string> = {}): Promise<CallbackResult> {
    const accepted = this.requests.find((request) => request.gatewayMessageId === sid);
    const callbackUrl = accepted?.form.StatusCallback;
    if (!accepted || typeof callbackUrl !== 'string') throw new Error(`simulator: no accepted request ${sid} with a StatusCallback`);
    const params = twilioStatusParams(accepted, status, this.options.twilio.accountSid, extra);
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
    return sendGridEventFor(accepted, event, extra);
  }

  /** Signature headers of the SendGrid event webhook: ECDSA P-256 over timestamp + payload, base64 DER. */
  signSendGrid(payload: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
    return this.sendGridSigner.sign(payload, timestamp);
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
    const record = await recordRequest(req, this.baseUrl);
    this.requests.push(record);
    const reply: Reply = (status, body, headers = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };

    const { target, path } = record;
    if (target === 'unknown') return reply(404, { message: `no route ${record.method} ${path}` });
    const authError = this.authError(record, target, path);
    if (authError) return reply(authError.status, authError.body);
    const twilioTarget = target === 'twilio-message' || target === 'twilio-call';
    const failure = this.failures.next(target) ?? (twilioTarget ? twilioMagicFailure(record) : null);
    if (failure === 'hang') return; // never answered: the client's timeout must fire
    if (failure) {
      const { status, body } = failureAnswer(target, failure, record);
      return reply(status, body);
    }
    switch (target) {
      case 'twilio-message':
      case 'twilio-call': {
        const sid = twilioCreate(record, path, this.options.twilio.accountSid, reply);
        if (sid && typeof record.form.StatusCallback === 'string') this.scheduleAutoCallbacks(sid, target);
        return;
      }
      case 'sendgrid':
        return sendGridSend(record, reply);
      case 'fcm':
        return fcmSend(record, path, reply);
    }
  }

  private authError(record: RecordedRequest, target: GatewayTarget, path: string): GatewayAnswer | null {
    if (target === 'twilio-message' || target === 'twilio-call') return twilioAuthError(record, path, this.options.twilio);
    if (target === 'sendgrid') return sendGridAuthError(record, this.options.sendgrid.apiKey);
    return fcmAuthError(record, path, this.options.fcm);
  }
}

/** The answer each gateway gives for a failure, in its own error shape. */
function failureAnswer(target: GatewayTarget, failure: Exclude<GatewayFailure, 'hang'>, record: RecordedRequest): GatewayAnswer {
  if (typeof failure === 'object') return failure;
  if (target === 'twilio-message' || target === 'twilio-call') return twilioFailure(failure, record);
  if (target === 'sendgrid') return sendGridFailure(failure);
  return fcmFailure(failure);
}
