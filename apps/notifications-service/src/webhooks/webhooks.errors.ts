/** Codes of the webhook feature's domain errors. */
export enum WebhookErrorCode {
  /** Signature missing, wrong, replayed (stale) or not configured: 403, nothing stored. */
  SignatureRejected = 'webhook.signature_rejected',
  /** Signed, but names no message or call (no MessageSid/CallSid and status). */
  UnusableCallback = 'webhook.unusable_callback',
  /** The SendGrid body is not a JSON array of events. */
  NotAnEventArray = 'webhook.not_an_event_array',
  /** The body is over the webhook size limit. */
  TooLarge = 'webhook.too_large',
}
