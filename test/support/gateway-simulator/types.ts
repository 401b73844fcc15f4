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

/** Credentials the simulator accepts when none are given. */
export const SIMULATOR_DEFAULTS = {
  twilio: { accountSid: 'AC00000000000000000000000000000000', authToken: 'simulator-auth-token' },
  sendgrid: { apiKey: 'SG.simulator-api-key' },
  fcm: { projectId: 'chargesol-sim', accessToken: 'simulator-fcm-access-token' },
} as const;

/** A status and body a gateway answers with, in its own shape. */
export interface GatewayAnswer {
  status: number;
  body: unknown;
}

/** Writes the answer to a recorded request (JSON body, extra headers). */
export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;
