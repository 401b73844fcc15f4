import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** A phone number in E.164 (default region India), or null when it is not a valid number. */
export function toE164(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const parsed = parsePhoneNumberFromString(raw.replace(/^whatsapp:/, '').trim(), 'IN');
  return parsed?.isValid() ? parsed.number : null;
}

/** The directory id of a customer: one per normalized phone, so an opt-out holds across their leads. */
export function customerRecipientId(e164: string): string {
  return `cust:${e164}`;
}
