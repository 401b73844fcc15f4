/** Error codes of the notifications feature. */
export enum NotificationErrorCode {
  NotFound = 'notification.not_found',
  InvalidCursor = 'notification.invalid_cursor',
  TemplateNotFound = 'notification.template_not_found',
  TemplateChannelMismatch = 'notification.template_channel_mismatch',
  TemplateDidNotRender = 'notification.template_did_not_render',
  ContentMissing = 'notification.content_missing',
  InvalidAddress = 'notification.invalid_address',
  InvalidContext = 'notification.invalid_context',
}
