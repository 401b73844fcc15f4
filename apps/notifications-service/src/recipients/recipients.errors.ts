/** Error codes of the recipient directory. */
export enum RecipientErrorCode {
  NotFound = 'recipient.not_found',
  InvalidPhone = 'recipient.invalid_phone',
  InvalidId = 'recipient.invalid_id',
}
