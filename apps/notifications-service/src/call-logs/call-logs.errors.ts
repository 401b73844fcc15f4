/** Codes of the call-log feature's domain errors. */
export enum CallLogErrorCode {
  InvalidPhone = 'call_log.invalid_phone',
  InvalidCursor = 'call_log.invalid_cursor',
  InvalidRange = 'call_log.invalid_range',
  CalledInFuture = 'call_log.called_in_future',
}

/** Codes of click-to-call domain errors. */
export enum ClickToCallErrorCode {
  NotConfigured = 'call.voice_not_configured',
  NoCallerPhone = 'call.no_caller_phone',
  InvalidPhone = 'call.invalid_phone',
  GatewayRefused = 'call.gateway_refused',
  NotFound = 'call.not_found',
}
