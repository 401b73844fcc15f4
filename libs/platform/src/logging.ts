import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule, type Params } from 'nestjs-pino';
import { activeLogFields, requestLogFields } from './tracing.js';

/** `+919812345678` → `+91******5678`: enough to tell numbers apart, not enough to call. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '***';
  return `${phone.startsWith('+') ? '+' : ''}${digits.slice(0, 2)}${'*'.repeat(digits.length - 6)}${digits.slice(-4)}`;
}

/** `asha.rao@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  if (!domain) return '***';
  return `${local.slice(0, 1)}***@${domain}`;
}

const PHONE_KEYS = ['customerPhone', 'phone', 'calleePhone', 'whatsapp', 'to', 'from', 'To', 'From', 'address'];
const EMAIL_KEYS = ['customerEmail', 'email'];
const SECRET_KEYS = ['authorization', 'password', 'token', 'pushToken', 'apiKey', 'secret', 'x-twilio-signature'];

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (typeof value !== 'string') return value === undefined ? undefined : '[redacted]';
  if (EMAIL_KEYS.includes(key) || value.includes('@')) return maskEmail(value);
  if (PHONE_KEYS.includes(key)) return maskPhone(value.replace(/^whatsapp:/, ''));
  return '[redacted]';
}

/** Redaction paths: PII and secrets are masked wherever they show up in a log object (two levels deep). */
export const redactPaths = [...PHONE_KEYS, ...EMAIL_KEYS, ...SECRET_KEYS].flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `req.headers.${key}`,
]);

export const CORRELATION_HEADER = 'x-correlation-id';

/** The request's correlation id: the caller's `x-correlation-id` when well-formed, else one already given to the response, else a new one. */
export function correlationIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[CORRELATION_HEADER];
  if (typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming)) return incoming;
  const given = res.getHeader(CORRELATION_HEADER);
  return typeof given === 'string' ? given : randomUUID();
}

/**
 * Trace id, span id and correlation id (and a consumed message's eventId) on every log line written
 * inside a request or a message; the access-log line, written after the response, takes them from its request.
 */
export function traceLogFields(mergeObject: object): Record<string, string> {
  const fields = activeLogFields();
  if (fields.traceId) return fields;
  const req = (mergeObject as { req?: unknown }).req;
  return req && typeof req === 'object' ? requestLogFields(req) : {};
}

/** Structured pino logging with a correlation id on every request and PII masked. */
export function createLoggerModule(options: { service: string; level: string; pretty?: boolean }) {
  const params: Params = {
    pinoHttp: {
      name: options.service,
      level: options.level,
      redact: { paths: redactPaths, censor },
      mixin: traceLogFields,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = correlationIdFor(req, res);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      // correlationId, like traceId, comes from the mixin: once per line.
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(options.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
    },
  };
  return LoggerModule.forRoot(params);
}
