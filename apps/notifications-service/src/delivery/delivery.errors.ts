/** Codes of ProviderErrors raised by this service itself rather than copied from a gateway. */
export enum DeliveryErrorCode {
  /** No response in time: the gateway may or may not have accepted it. */
  Timeout = 'timeout',
  /** Connection refused, reset or DNS failure. */
  Network = 'network',
  /** A channel has no provider, or a provider lacks a sender for the channel. */
  NotConfigured = 'not_configured',
  /** The message itself cannot be sent on its channel (e.g. email without subject). */
  InvalidMessage = 'invalid_message',
  /** The gateway answered something we could not read. */
  Unexpected = 'unexpected',
}
