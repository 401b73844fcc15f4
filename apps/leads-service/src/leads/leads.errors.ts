/** Stable codes of lead failures; the problem filter maps their kind to the HTTP status. */
export const LeadErrorCode = {
  NotFound: 'lead.not_found',
  SourceNotFound: 'lead.source_not_found',
  InvalidInput: 'lead.invalid_input',
  InvalidCursor: 'lead.invalid_cursor',
  OemMismatch: 'lead.oem_mismatch',
  IdempotencyKeyReused: 'lead.idempotency_key_reused',
  // Lifecycle rules (409), one code per rule so callers and tests can tell them apart.
  ClosedIsFinal: 'lead.closed_is_final',
  CancelledIsFinal: 'lead.cancelled_is_final',
  NoSkipping: 'lead.no_skipping',
  InvalidTransition: 'lead.invalid_transition',
  ResumeToHeldStatus: 'lead.resume_to_held_status',
  IntroCallRequired: 'lead.intro_call_required',
  ElectricityBillRequired: 'lead.electricity_bill_required',
  AssigneeRequired: 'lead.assignee_required',
} as const;
export type LeadErrorCode = (typeof LeadErrorCode)[keyof typeof LeadErrorCode];
