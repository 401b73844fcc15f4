import sendgridEventWebhook from '@sendgrid/eventwebhook';
import twilio from 'twilio';

/** Why a webhook signature check refused a request (logged, never sent back in detail). */
export type SignatureRejection = 'not_configured' | 'missing' | 'invalid' | 'stale';

/**
 * Checks `X-Twilio-Signature` over the URL Twilio called (PUBLIC_BASE_URL + path + query) and the
 * form parameters. No token configured means every request is refused, never accepted unsigned.
 */
export function checkTwilioSignature(input: {
  authToken: string | undefined;
  signature: string | undefined;
  url: string;
  params: Record<string, unknown>;
}): SignatureRejection | null {
  if (!input.authToken) return 'not_configured';
  if (!input.signature) return 'missing';
  try {
    return twilio.validateRequest(input.authToken, input.signature, input.url, input.params) ? null : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** The URL Twilio signed: the public base (which may carry a path prefix) plus the request's path and query. */
export function publicUrlOf(publicBaseUrl: string, requestUrl: string): string {
  return publicBaseUrl.replace(/\/+$/, '') + requestUrl;
}

/** How far a SendGrid signature timestamp may lag (replays) or lead (clock skew) our clock. */
export const SENDGRID_MAX_AGE_SECONDS = 300;
export const SENDGRID_MAX_SKEW_SECONDS = 60;

/**
 * Checks SendGrid's ECDSA P-256 signature over timestamp + raw body with the configured public key
 * (base64 DER), and refuses timestamps older than 5 minutes or more than a minute ahead.
 */
export function checkSendgridSignature(input: {
  publicKey: string | undefined;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | undefined;
  now: Date;
}): SignatureRejection | null {
  if (!input.publicKey) return 'not_configured';
  if (!input.signature || !input.timestamp || !input.rawBody) return 'missing';
  if (!/^\d{1,12}$/.test(input.timestamp)) return 'invalid';
  const age = input.now.getTime() / 1000 - Number(input.timestamp);
  if (age > SENDGRID_MAX_AGE_SECONDS || age < -SENDGRID_MAX_SKEW_SECONDS) return 'stale';
  try {
    const webhook = new sendgridEventWebhook.EventWebhook();
    const key = webhook.convertPublicKeyToECDSA(input.publicKey);
    return webhook.verifySignature(key, input.rawBody, input.signature, input.timestamp) ? null : 'invalid';
  } catch {
    // A malformed key or signature (not base64, not DER) is a failed check, not a 500.
    return 'invalid';
  }
}
