import type { IncomingMessage } from 'node:http';
import type { GatewayTarget, RecordedRequest } from './types.js';

/** Which gateway API a request is for, by method and path. */
export function routeOf(method: string, path: string): GatewayTarget | 'unknown' {
  if (method !== 'POST') return 'unknown';
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) return 'twilio-message';
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Calls\.json$/.test(path)) return 'twilio-call';
  if (path === '/v3/mail/send') return 'sendgrid';
  if (/^\/v1\/projects\/[^/]+\/messages:send$/.test(path)) return 'fcm';
  return 'unknown';
}

/** Reads a request's body and records it, not yet answered. */
export async function recordRequest(req: IncomingMessage, baseUrl: string): Promise<RecordedRequest> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', baseUrl);
  const contentType = String(req.headers['content-type'] ?? '');
  return {
    target: routeOf(req.method ?? 'GET', url.pathname),
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: { ...req.headers },
    form: contentType.includes('application/x-www-form-urlencoded') ? parseForm(raw) : {},
    json: contentType.includes('application/json') && raw ? safeJson(raw) : null,
    status: null,
    gatewayMessageId: null,
  };
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
