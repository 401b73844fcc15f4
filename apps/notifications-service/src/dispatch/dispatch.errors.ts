/** Why the dispatcher itself (not a gateway) failed or held a notification. */
export enum DispatchErrorCode {
  OptedOut = 'recipient.opted_out',
  NoAddress = 'recipient.no_address',
  /** An error that is not a gateway's answer; retried like a timeout. */
  Unexpected = 'unexpected',
  /** The template could not be rendered for this event (a missing variable). */
  TemplateRender = 'template.render_failed',
}
