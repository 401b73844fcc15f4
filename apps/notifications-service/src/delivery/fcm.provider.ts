import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NotificationChannel } from '#contracts';
import { type App, type Credential, cert, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { DeliveryErrorCode } from './delivery.errors.js';
import { classifyGatewayResponse, classifyNetworkError, unexpectedError } from './error-classification.js';
import { type DeliveryProvider, type OutboundMessage, ProviderError, type SendResult } from './provider.js';

/** What the FCM adapter needs from configuration. See docs/adr/0003-push-provider.md. */
export interface FcmSettings {
  projectId: string;
  /** Service-account JSON (the file's contents): the SDK mints and refreshes OAuth tokens itself. */
  serviceAccountJson?: string;
  /** A ready bearer token instead of a service account; meant for simulators, tokens expire in an hour. */
  accessToken?: string;
  /** Another host speaking FCM HTTP v1 (a gateway simulator); requests keep the /v1/projects/… path. */
  apiBaseUrl?: string;
  timeoutMs: number;
}

/** FCM answers that mean "not now": worth the dispatcher's retry with backoff. */
const TRANSIENT_FCM_CODES = new Set([
  'messaging/internal-error',
  'messaging/server-unavailable',
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/topics-message-rate-exceeded',
  'app/network-error',
  'app/network-timeout',
]);

/**
 * The SDK always dials https://fcm.googleapis.com; this agent opens the socket to another host instead
 * (plain TCP for an http: simulator), so the real SDK code path is what tests exercise.
 */
class RedirectingAgent extends Agent {
  constructor(private readonly target: URL) {
    super({ keepAlive: true });
  }

  override createConnection(): Socket {
    const port = Number(this.target.port || (this.target.protocol === 'https:' ? 443 : 80));
    if (this.target.protocol === 'https:') return tlsConnect({ host: this.target.hostname, port, servername: this.target.hostname });
    return tcpConnect({ host: this.target.hostname, port });
  }
}

/** Push notifications through Firebase Cloud Messaging HTTP v1 with the firebase-admin SDK; `to` is a registration token. */
export class FcmProvider implements DeliveryProvider {
  readonly name = 'fcm';
  private readonly app: App;
  private readonly messaging: Messaging;
  private readonly agent?: RedirectingAgent;

  constructor(private readonly settings: FcmSettings) {
    this.agent = settings.apiBaseUrl ? new RedirectingAgent(new URL(settings.apiBaseUrl)) : undefined;
    this.app = initializeApp(
      { projectId: settings.projectId, credential: credentialFor(settings), httpAgent: this.agent },
      // Apps are global by name in firebase-admin; a unique name keeps each provider's settings its own.
      `chargesol-push-${randomUUID()}`,
    );
    this.messaging = getMessaging(this.app);
  }

  supports(channel: NotificationChannel): boolean {
    return channel === 'push';
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'push') {
      throw new ProviderError(`fcm: channel ${message.channel} is not served`, false, DeliveryErrorCode.NotConfigured);
    }
    const request = this.messaging.send({
      token: message.to,
      notification: { title: message.subject ?? 'ChargeSol', body: message.body },
      data: { notificationId: message.notificationId },
    });
    try {
      // The SDK's own timeout is a fixed 15 s with internal retries; bound the whole call by ours.
      const name = await withTimeout(request, this.settings.timeoutMs);
      return { gatewayMessageId: name, provider: this.name };
    } catch (error) {
      throw fcmError(error);
    }
  }

  /** Releases the SDK app and its sockets. */
  async close(): Promise<void> {
    await deleteApp(this.app);
    this.agent?.destroy();
  }
}

function credentialFor(settings: FcmSettings): Credential {
  if (settings.serviceAccountJson) return cert(JSON.parse(settings.serviceAccountJson) as object);
  if (settings.accessToken) {
    const token = settings.accessToken;
    return { getAccessToken: async () => ({ access_token: token, expires_in: 3600 }) };
  }
  throw new ProviderError('fcm: FCM_SERVICE_ACCOUNT_JSON or FCM_ACCESS_TOKEN is required', false, DeliveryErrorCode.NotConfigured);
}

class PushTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PushTimeout(`timeout of ${ms}ms exceeded`)), ms);
  });
  // The SDK call may still settle later; swallow that so it is not an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A FirebaseMessagingError (with the HTTP answer when there was one) or a socket/timeout error, as a ProviderError. */
export function fcmError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const network = classifyNetworkError(error, 'fcm');
  if (network) return network;
  const { code, message, httpResponse } = (error ?? {}) as { code?: unknown; message?: string; httpResponse?: { status?: unknown } };
  if (typeof code === 'string' && (code.startsWith('messaging/') || code.startsWith('app/'))) {
    if (typeof httpResponse?.status === 'number') return classifyGatewayResponse('fcm', httpResponse.status, code, message);
    return new ProviderError(`fcm: ${message ?? code}`, TRANSIENT_FCM_CODES.has(code), code);
  }
  return unexpectedError('fcm', error);
}
