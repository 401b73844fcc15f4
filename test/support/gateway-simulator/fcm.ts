import { randomBytes } from 'node:crypto';
import type { GatewayAnswer, GatewayFailure, RecordedRequest, Reply } from './types.js';

/** FCM HTTP v1 messages:send. */

/** Bearer auth with the access token, and the project in the path. */
export function fcmAuthError(record: RecordedRequest, path: string, { projectId, accessToken }: { projectId: string; accessToken: string }): GatewayAnswer | null {
  if (String(record.headers.authorization ?? '') === `Bearer ${accessToken}` && path.includes(`/projects/${projectId}/`)) return null;
  return { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } };
}

/** FCM's answer for a planned failure. */
export function fcmFailure(failure: Exclude<GatewayFailure, 'hang' | object>): GatewayAnswer {
  switch (failure) {
    case 'server-error':
      return { status: 500, body: { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } } };
    case 'rate-limited':
      return { status: 429, body: { error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } } };
    case 'invalid-number':
      return { status: 400, body: { error: { code: 400, message: 'The registration token is not a valid FCM registration token', status: 'INVALID_ARGUMENT' } } };
    case 'unsubscribed':
      return {
        status: 404,
        body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND', details: [{ errorCode: 'UNREGISTERED' }] } },
      };
  }
}

/** Accepts a message with a device token (200 + its name), else 400 INVALID_ARGUMENT. */
export function fcmSend(record: RecordedRequest, path: string, reply: Reply): void {
  const message = (record.json as { message?: { token?: string } } | null)?.message;
  if (!message?.token) {
    return reply(400, { error: { code: 400, message: 'Recipient of the message is not set.', status: 'INVALID_ARGUMENT' } });
  }
  const name = `${path.replace(/^\/v1\//, '').replace(/\/messages:send$/, '')}/messages/${randomBytes(8).toString('hex')}`;
  record.gatewayMessageId = name;
  reply(200, { name });
}
