import { maskEmail, maskPhone } from '#platform/logging';
import { DeliveryErrorCode } from './delivery.errors.js';
import { ProviderError } from './provider.js';

/** Socket-level failures: the request may never have reached the gateway, so trying again is safe and useful. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** axios reports its own timeout as ECONNABORTED (or ETIMEDOUT with clarifyTimeoutError). */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** 408/429/5xx are the gateway saying "not now"; every other 4xx is about the request and will fail again. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Gateways echo the recipient in their messages ("The 'To' number +91… is not valid"); keep it out of logs and rows. */
export function redactContacts(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (email) => maskEmail(email))
    // 9+ digits: phone numbers, not dates (2026-11-21) or error codes.
    .replace(/\+?\d[\d ()-]{7,}\d/g, (match) => (match.replace(/\D/g, '').length >= 9 ? maskPhone(match) : match));
}

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; response?: unknown; status?: unknown };

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

/** Timeouts and socket errors, wherever the client library nests them; null when the error is something else. */
export function classifyNetworkError(error: unknown, provider: string): ProviderError | null {
  for (let current: unknown = error, depth = 0; current && depth < 3; depth++) {
    const { code, message, cause } = asErrorLike(current);
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
      return new ProviderError(`${provider}: no response in time (${code})`, true, DeliveryErrorCode.Timeout);
    }
    if (typeof code === 'string' && NETWORK_CODES.has(code)) {
      return new ProviderError(`${provider}: cannot reach the gateway (${code})`, true, DeliveryErrorCode.Network);
    }
    if (typeof message === 'string' && /timeout of \d+ms exceeded/.test(message)) {
      return new ProviderError(`${provider}: no response in time`, true, DeliveryErrorCode.Timeout);
    }
    current = cause;
  }
  return null;
}

/**
 * A gateway's HTTP error answer as a ProviderError: transient by status, permanent otherwise, keeping the
 * gateway's own error code (Twilio 21211, 21610, …) when it gave one, else the HTTP status.
 */
export function classifyGatewayResponse(
  provider: string,
  status: number,
  gatewayCode: string | number | null | undefined,
  gatewayMessage: string | null | undefined,
): ProviderError {
  const code = gatewayCode !== null && gatewayCode !== undefined && gatewayCode !== '' ? String(gatewayCode) : String(status);
  const message = redactContacts(gatewayMessage?.trim() || `HTTP ${status}`);
  return new ProviderError(`${provider}: ${message}`, isTransientStatus(status), code);
}

/** Anything thrown that is neither an HTTP answer nor a network failure: a bug or a library change, not worth retrying. */
export function unexpectedError(provider: string, error: unknown): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${provider}: ${redactContacts(message)}`, false, DeliveryErrorCode.Unexpected);
}
